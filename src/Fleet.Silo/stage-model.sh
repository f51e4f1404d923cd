#!/bin/sh
# stage-model.sh DEST NAME FILE SHA256 SOURCE
# Puts one catalog model file (models/catalog.json) at DEST/NAME/FILE, the layout the model resolver reads, and checks
# it against the catalog's sha256; a mismatch fails (and removes the file). SOURCE is a path (a model the repository
# ships in models/) or the catalog's https source URL, downloaded here at image build so that a silo never needs the
# internet at run time. With FLEET_MODEL_MIRROR set and holding NAME/FILE, the mirror's copy is used instead of the URL
# (offline checks of this script; the image build leaves it unset).
set -eu
if [ "$#" -ne 5 ]; then
  echo "usage: stage-model.sh DEST NAME FILE SHA256 SOURCE" >&2
  exit 2
fi
dest=$1 name=$2 file=$3 sha256=$4 source=$5
mkdir -p "$dest/$name"
target="$dest/$name/$file"
mirror="${FLEET_MODEL_MIRROR:-}"
case "$source" in
  https://*)
    if [ -n "$mirror" ] && [ -f "$mirror/$name/$file" ]; then
      cp "$mirror/$name/$file" "$target"
    else
      curl --fail --location --silent --show-error --retry 5 --retry-delay 2 --output "$target" "$source"
    fi
    ;;
  *://*)
    echo "stage-model.sh: $name: only https sources are downloaded, not $source" >&2
    exit 2
    ;;
  *)
    cp "$source" "$target"
    ;;
esac
if ! echo "$sha256  $target" | sha256sum -c --status -; then
  echo "stage-model.sh: $name: $target has sha256 $(sha256sum "$target" | cut -d' ' -f1), the catalog says $sha256" >&2
  rm -f "$target"
  exit 1
fi
echo "staged $name ($file), sha256 $sha256"
