#!/usr/bin/env bash
# Writes a docker-save tar of a build-only base image: one layer with /etc/passwd (user nonroot, uid 65532) and /tmp,
# and NO Java runtime. It exists so the image build can be proven on a machine that cannot pull
# eclipse-temurin:17-jre (no registry but Maven Central here): the resulting image has Strait's layers, entrypoint,
# ports and user, but cannot run. Use the default base (or any JRE 17 image) for an image you deploy.
#   deploy/image/build-only-base.sh /tmp/strait-build-base.tar
#   ./mvnw -pl modules/cli -am package -Pimage -DskipTests -Djib.from.image=tar:///tmp/strait-build-base.tar
set -euo pipefail
out="$(realpath -m "${1:?usage: $0 OUT.tar}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/etc" "$work/root/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$work/root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$work/root/etc/group"
chmod 1777 "$work/root/tmp"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/root" -cf "$work/layer.tar" etc tmp
digest="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:$digest"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"strait build-only base: /etc/passwd with nonroot (65532); no JRE"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["strait-build-base:local"],"Layers":["layer.tar"]}]' >"$work/manifest.json"
tar --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work" -cf "$out" manifest.json config.json layer.tar
echo "$out"
