package io.strait.translate.pilot;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.mesh.MeshModel;
import java.util.Map;

/** A mesh model from one YAML file's text, as the translator tests write them inline. */
final class TestMeshes {
    private TestMeshes() {
    }

    static MeshModel of(String yaml) {
        return MeshModel.of(ConfigLoader.parse(Map.of("mesh.yaml", yaml)).resources().stream()
                .map(LoadedResource::resource).toList());
    }
}
