package io.strait.translate.runner;

import io.strait.model.istio.IstioResource;

/**
 * One config resource as it was before and after a revision (null: absent), as {@link ModelFollower} hands them
 * to the translator for {@link ChangeImpact} and {@link EndpointChanges} to judge what a revision can reach.
 */
record ConfigChange(IstioResource before, IstioResource after) {
}
