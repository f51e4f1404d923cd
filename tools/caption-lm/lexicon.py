#!/usr/bin/python3
"""Builds models/caption-lexicon/caption-lexicon.json: the grounding rule's word lists (docs/captions.md).

  apt-get install -y wordnet-base wordnet-sense-index python3-nltk
  /usr/bin/python3 tools/caption-lm/lexicon.py ../shared/data/flickr8k-captions \
      ../shared/models/imagenet-labels models/caption-lexicon/caption-lexicon.json

From WordNet 3.0 (Debian's wordnet-base, sense counts from wordnet-sense-index), the ImageNet synsets
(synset.txt, whose ids are WordNet 3.0 noun offsets) and the Flickr8k caption vocabulary it writes:

- "content": every word form that names a person, animal, object, material or place: a noun whose
  WordNet senses in those lexicographer files (noun.person, noun.animal, noun.artifact, noun.substance,
  noun.location, ...) carry at least an eighth of the word's tagged uses over all parts of speech (so
  "field", "water" and "building" are content words, "walk" and "stands" verbs), plus a few nouns WordNet
  counts as verbs ("a swing", "a sign"). This is the checker's list.
- "free": caption words that need no evidence: Flickr8k's words (used twice or more) that WordNet knows
  and are not content words or attribute words (below), plus closed-class words, the frame words and the
  picture/position nouns (photo, side, front). Words WordNet does not know ("bmx", "wetsuit") are neither.
- "attributes": colours, counts, sizes, ages, materials and scene adjectives ("black", "two", "wooden",
  "snowy"), gendered pronouns ("his", "she"), and any Flickr8k adjective WordNet derives from a content
  noun ("sandy" < sand), colour derivatives ("greenish") and hyphenated words with a content or attribute
  part ("snow-capped"): claims no label makes, so they are allowed only where a licensed phrase holds
  them ("black swan" licenses "black").
- "classes": per ImageNet class, the phrases its label licenses: the simple label, the synset's WordNet
  synonyms and every hypernym's lemmas ("Sealyham Terrier" -> "terrier", "dog", "animal").
"""
import json
import os
import re
import sys
import warnings
from collections import Counter

warnings.filterwarnings("ignore")
from nltk.corpus.reader.wordnet import WordNetCorpusReader  # noqa: E402

CONTENT_FILES = {
    "noun.Tops", "noun.animal", "noun.artifact", "noun.body", "noun.food", "noun.location", "noun.object",
    "noun.person", "noun.plant", "noun.substance", "noun.group", "noun.phenomenon",
}

# Nouns about the picture or a position in it, never about what is in it.
PICTURE_WORDS = {
    "photo", "photograph", "picture", "image", "view", "close", "closeup", "shot", "snapshot", "kind", "type", "sort",
    "side", "top", "bottom", "front", "back", "middle", "center", "centre", "edge", "distance", "background",
    "foreground", "left", "right", "corner", "part", "one", "something", "way", "rest", "lot", "bit", "piece",
}

# Words of the uncertainty wording (CaptionFrame) and the connectives a frame needs.
FRAME_WORDS = {"a", "an", "or", "what", "looks", "like", "may", "be", "show", "shows", "possibly", "probably",
               "perhaps", "photo", "that", "appears", "to", "seems"}

COLOURS = {
    "black", "white", "brown", "red", "blue", "green", "yellow", "orange", "pink", "purple", "gray", "grey", "golden",
    "gold", "silver", "tan", "blond", "blonde", "dark", "colorful", "colourful", "multicolored", "striped", "spotted",
    "beige", "maroon", "teal", "turquoise", "bright", "pale", "blonde-haired", "dark-haired", "red-haired",
    "black-and-white", "brown-haired", "darker", "lighter", "brightly", "camouflage", "plaid", "checkered",
}
COUNTS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several", "many", "both", "few",
          "some", "dozen", "hundreds", "lots", "numerous", "multiple", "other", "others", "another", "each", "pair",
          "couple", "group", "groups", "crowd", "team", "all", "together"}
MATERIAL_AND_SCENE = {
    "wooden", "metal", "plastic", "stone", "brick", "glass", "concrete", "leather", "wet", "muddy", "snowy", "sandy",
    "grassy", "rocky", "sunny", "dirty", "dusty", "icy", "leafy", "watery", "underwater", "paved", "wooded", "shallow",
    "deep", "outdoor", "outdoors", "outside", "indoor", "indoors", "inside", "urban", "rural", "cloudy", "foggy",
    "snow-covered", "tree-lined", "crowded", "busy", "empty", "night", "nighttime", "sunset", "daytime", "fenced",
    "furry", "fluffy", "shaggy", "hairy", "long-haired", "short-haired", "bearded", "shirtless", "barefoot", "naked",
    "young", "old", "older", "elderly", "little", "small", "large", "big", "tiny", "huge", "giant", "tall", "short",
    "younger", "smaller", "bigger", "larger", "taller", "human",
}
NATIONALITIES = {"american", "german", "african", "asian", "chinese", "japanese", "indian", "mexican", "african-american",
                 "english", "french", "italian", "spanish", "irish", "scottish", "european", "egyptian", "tibetan",
                 "australian", "siberian", "arctic", "alpine", "persian", "indian", "eskimo", "native"}
GENDERED = {"he", "she", "his", "her", "hers", "him", "himself", "herself", "they", "them", "their", "theirs",
            "themselves", "we", "our", "us", "i", "my", "me", "you", "your", "who", "whom", "whose", "someone",
            "somebody", "everyone", "anyone", "nobody"}
ATTRIBUTES = COLOURS | COUNTS | MATERIAL_AND_SCENE | NATIONALITIES | GENDERED

# Closed-class words: never content, whatever WordNet's rare noun senses say ("at" is a coin of Laos).
FUNCTION = {
    "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "as", "at", "by", "for", "from", "in", "into", "of", "off",
    "on", "onto", "out", "over", "to", "up", "upon", "with", "within", "without", "through", "throughout", "toward",
    "towards", "under", "underneath", "beneath", "below", "above", "across", "along", "alongside", "among", "amongst",
    "amid", "amidst", "around", "behind", "beside", "besides", "between", "beyond", "during", "near", "nearby", "next",
    "past", "since", "than", "till", "until", "via", "against", "about", "after", "before", "while", "whilst", "when",
    "where", "which", "what", "how", "if", "that", "this", "these", "those", "it", "its", "itself", "is", "are", "was",
    "were", "be", "been", "being", "has", "have", "had", "does", "do", "did", "not", "no", "very", "just", "also",
    "there", "here", "then", "down", "away", "back", "still", "almost", "over", "one",
}

# Nouns WordNet counts mostly as verbs or leaves untagged, that captions use for things ("on a swing", "a sign").
CONTENT_EXTRA = {"pants", "racket", "paddle", "paddles", "pack", "bear", "fire", "sign", "signs", "ring", "wave", "waves",
                 "leaves", "slide", "swing", "swings", "goal", "roller", "paint", "mask", "gear", "book", "stage",
                 "steps", "step", "building", "buildings", "yard", "desert", "bat", "duck", "tie", "sail", "net", "kite",
                 "float", "square", "print", "scales", "treat", "case", "base"}

WORD = re.compile(r"[a-z][a-z'\-]*")


def wordnet(folder):
    """NLTK's reader over Debian's files: it wants a lexnames file and index.sense beside data.noun."""
    cache = os.path.expanduser("~/.cache/fleet/wordnet")
    os.makedirs(cache, exist_ok=True)
    for name in os.listdir(folder):
        target = os.path.join(cache, name)
        if not os.path.exists(target):
            os.symlink(os.path.join(folder, name), target)
    lexnames = os.path.join(cache, "lexnames")
    if not os.path.exists(lexnames):
        names = ["adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
                 "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
                 "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
                 "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
                 "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change",
                 "verb.cognition", "verb.communication", "verb.competition", "verb.consumption", "verb.contact",
                 "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession", "verb.social",
                 "verb.stative", "verb.weather", "adj.ppl"]
        pos = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
        with open(lexnames, "w") as f:
            for i, n in enumerate(names):
                f.write(f"{i:02d}\t{n}\t{pos[n.split('.')[0]]}\n")
    return WordNetCorpusReader(cache, None)


def uses(wn, word):
    """(tagged uses as a content noun, tagged uses otherwise, has a content noun sense) for one word form."""
    content, other, has_content = 0, 0, False
    for pos in ("n", "v", "a", "r"):
        for lemma_name in set(wn._morphy(word, pos)):
            for lemma in wn.lemmas(lemma_name, pos):
                count = lemma.count()
                if pos == "n" and lemma.synset().lexname() in CONTENT_FILES:
                    content += count
                    has_content = True
                else:
                    other += count
    return content, other, has_content


def is_content(wn, word):
    if word in PICTURE_WORDS or word in FRAME_WORDS or word in FUNCTION:
        return False
    if word in CONTENT_EXTRA:
        return True
    content, other, has_content = uses(wn, word)
    if not has_content:
        return False
    if content + other == 0:
        return True  # untagged (rare) nouns: "surfer", "skateboarder"
    # An eighth of the tagged uses: "building" (48 of 191) is a thing, "stands" (13 of 323) a verb.
    return content * 8 >= content + other


def is_known(wn, word):
    return word in FUNCTION or any(wn._morphy(word, pos) for pos in ("n", "v", "a", "r"))


COLOUR_ROOTS = ("green", "red", "brown", "blue", "black", "white", "yellow", "pink", "purple", "gray", "grey", "orange")


def derived_attribute(wn, word, content):
    """Why a would-be free word is an attribute: a hyphenated word with a content or attribute part ("snow-capped"),
    a colour's derivative ("greenish"), or an adjective made from a content noun ("sandy" < sand, "wooden" < wood)."""
    if "-" in word and any(part in content or part in ATTRIBUTES for part in word.split("-")):
        return "hyphenated"
    if any(word.startswith(c) and word != c for c in COLOUR_ROOTS):
        return "colour"
    for lemma_name in set(wn._morphy(word, "a")):
        for lemma in wn.lemmas(lemma_name, "a") + wn.lemmas(lemma_name, "s"):
            for related in lemma.derivationally_related_forms() + lemma.pertainyms():
                if (related.synset().pos() == "n" and related.synset().lexname() in CONTENT_FILES
                        and related.name().lower() != word):
                    return "from " + related.name()
    return None


def plural(word):
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def clean(phrase):
    return re.sub(r"\s+", " ", phrase.replace("_", " ")).strip()


def class_licenses(wn, offset, simple_label):
    synset = wn.synset_from_pos_and_offset("n", offset)
    phrases = {clean(simple_label), spoken(simple_label)}
    for lemma in synset.lemma_names():
        phrases.add(clean(lemma))
    for path in synset.hypernym_paths():
        for node in path:
            if node.name() in ("entity.n.01", "physical_entity.n.01", "abstraction.n.06"):
                continue
            for lemma in node.lemma_names():
                phrases.add(clean(lemma))
    # A simple label that is a plural ("Cocker Spaniels") or has a qualifier ("crane (bird)").
    phrases = {re.sub(r"\s*\(.*\)$", "", p) for p in phrases}
    return sorted(p for p in phrases if p and len(p) <= 40)


def spoken(label):
    """The label as a caption says it: "crane (bird)" -> "crane"."""
    return re.sub(r"\s*\(.*\)$", "", label).strip()


def article(label):
    """"a", "an" or "" (a plural or pair noun: "jeans", "Cocker Spaniels") for the frame's "A X"."""
    words = spoken(label).split()
    last = words[-1].lower()
    if label in ("Bouvier des Flandres", "triceratops") or not last.endswith("s") or last.endswith(("ss", "us", "is")):
        first = words[0].lower()
        if first.startswith(("eu", "uni", "use", "one", "ur")) or first in ("u-boat",):
            return "a"
        return "an" if first[0] in "aeiou" or first.startswith(("hour", "honest")) else "a"
    return ""


def flickr_words(folder):
    counts = Counter()
    with open(os.path.join(folder, "Flickr8k.token.txt")) as f:
        for line in f:
            caption = line.split("\t", 1)[1].lower()
            counts.update(WORD.findall(caption))
    return counts


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    flickr, labels_dir, out = sys.argv[1:]
    wn = wordnet("/usr/share/wordnet")
    with open(os.path.join(labels_dir, "imagenet-simple-labels.json")) as f:
        simple = json.load(f)
    wnids = [line.split(" ", 1)[0] for line in open(os.path.join(labels_dir, "synset.txt")) if line.strip()]
    assert len(wnids) == len(simple) == 1000

    classes = []
    for index, (wnid, label) in enumerate(zip(wnids, simple)):
        classes.append({"classId": index, "label": label, "spoken": spoken(label), "article": article(label),
                        "wnid": wnid, "licenses": class_licenses(wn, int(wnid[1:]), label)})

    words = flickr_words(flickr)
    content, free = set(), set()
    for word, count in words.items():
        if word in ATTRIBUTES:
            continue
        if is_content(wn, word):
            content.add(word)
        elif count >= 2 and "'" not in word and is_known(wn, word):
            free.add(word)
    derived = {w for w in free if derived_attribute(wn, w, content)}
    free -= derived
    free |= PICTURE_WORDS | FRAME_WORDS | FUNCTION
    # Every WordNet noun lemma in the content files (single words) and its plural: the checker's list, so a
    # word the caption model could spell but Flickr8k never used is still caught.
    for synset in wn.all_synsets("n"):
        if synset.lexname() not in CONTENT_FILES:
            continue
        for lemma in synset.lemma_names():
            w = lemma.lower()
            if "_" in w or not WORD.fullmatch(w) or w in free or w in ATTRIBUTES:
                continue
            if is_content(wn, w):
                content.add(w)
                content.add(plural(w))
    content -= free

    lexicon = {
        "version": 1,
        "sources": "WordNet 3.0 (Princeton; Debian wordnet-base, sense counts wordnet-sense-index), ImageNet synsets "
                   "(synset.txt), Flickr8k caption vocabulary; built by tools/caption-lm/lexicon.py",
        "contentFiles": sorted(CONTENT_FILES),
        "free": sorted(free),
        "attributes": sorted(ATTRIBUTES | derived),
        "content": sorted(content),
        "classes": classes,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(lexicon, f, indent=0, ensure_ascii=False)
        f.write("\n")
    print(f"{out}: {len(free)} free words, {len(ATTRIBUTES | derived)} attribute words, {len(content)} content words, "
          f"{len(classes)} classes ({sum(len(c['licenses']) for c in classes)} licensed phrases)")


if __name__ == "__main__":
    sys.exit(main())
