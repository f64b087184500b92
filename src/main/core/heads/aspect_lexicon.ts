// The documented lexicon that tags captions with aspects (colour, count, size, position, relation)
// for the conditional head on data without aspect labels. It has to hold on vocabularies we never
// saw, so it is broad: every CSS / X11 colour name (multi-word names split: "light sea green"),
// common colour variants and -ish forms, number words and numerals, size words including
// "medium-sized", position phrases such as "upper left" and "central column", and spatial
// relations such as "in front of". It is also narrow where a word is only sometimes the aspect:
// relation needs a spatial relation, not a bare preposition ("with", "on", "in"); a number word in
// a compound adjective ("six-sided", "two-tone") is not a count; "left of" is a relation, not a
// position. How well it tags, against the sample's exact aspects: scripts/lexicon-eval.mjs and
// docs/conditional-aspects.md. A dataset can instead supply its own aspects (aspects.jsonl, see
// aspects_file.ts).
import type { KeywordRule } from './cond.js';

/** CSS Color Module 4 named colours (the X11 set), as words. */
const CSS_COLOURS = [
  'alice blue', 'antique white', 'aqua', 'aquamarine', 'azure', 'beige', 'bisque', 'black', 'blanched almond', 'blue',
  'blue violet', 'brown', 'burlywood', 'cadet blue', 'chartreuse', 'chocolate', 'coral', 'cornflower blue', 'cornsilk',
  'crimson', 'cyan', 'dark blue', 'dark cyan', 'dark goldenrod', 'dark gray', 'dark green', 'dark grey', 'dark khaki',
  'dark magenta', 'dark olive green', 'dark orange', 'dark orchid', 'dark red', 'dark salmon', 'dark sea green',
  'dark slate blue', 'dark slate gray', 'dark slate grey', 'dark turquoise', 'dark violet', 'deep pink', 'deep sky blue',
  'dim gray', 'dim grey', 'dodger blue', 'firebrick', 'floral white', 'forest green', 'fuchsia', 'gainsboro',
  'ghost white', 'gold', 'goldenrod', 'gray', 'grey', 'green', 'green yellow', 'honeydew', 'hot pink', 'indian red',
  'indigo', 'ivory', 'khaki', 'lavender', 'lavender blush', 'lawn green', 'lemon chiffon', 'light blue', 'light coral',
  'light cyan', 'light goldenrod yellow', 'light gray', 'light green', 'light grey', 'light pink', 'light salmon',
  'light sea green', 'light sky blue', 'light slate gray', 'light slate grey', 'light steel blue', 'light yellow', 'lime',
  'lime green', 'linen', 'magenta', 'maroon', 'medium aquamarine', 'medium blue', 'medium orchid', 'medium purple',
  'medium sea green', 'medium slate blue', 'medium spring green', 'medium turquoise', 'medium violet red',
  'midnight blue', 'mint cream', 'misty rose', 'moccasin', 'navajo white', 'navy', 'old lace', 'olive', 'olive drab',
  'orange', 'orange red', 'orchid', 'pale goldenrod', 'pale green', 'pale turquoise', 'pale violet red', 'papaya whip',
  'peach puff', 'peru', 'pink', 'plum', 'powder blue', 'purple', 'rebecca purple', 'red', 'rosy brown', 'royal blue',
  'saddle brown', 'salmon', 'sandy brown', 'sea green', 'seashell', 'sienna', 'silver', 'sky blue', 'slate blue',
  'slate gray', 'slate grey', 'snow', 'spring green', 'steel blue', 'tan', 'teal', 'thistle', 'tomato', 'turquoise',
  'violet', 'wheat', 'white', 'white smoke', 'yellow', 'yellow green',
];

/** Everyday colour words and forms outside the CSS list. */
const COLOUR_VARIANTS = [
  'colou*', 'multicolou*', 'multi-colou*', 'reddish', 'bluish', 'blueish', 'greenish', 'yellowish', 'orangish', 'orangey',
  'pinkish', 'purplish', 'brownish', 'greyish', 'grayish', 'blackish', 'whitish', 'golden', 'blond', 'blonde', 'bronze',
  'copper', 'cream', 'creamy', 'burgundy', 'mauve', 'lilac', 'peach', 'mustard', 'scarlet', 'amber', 'emerald', 'jade',
  'ruby', 'sapphire', 'cobalt', 'ochre', 'charcoal', 'ebony', 'off-white', 'navy blue', 'baby blue', 'neon', 'pastel',
  'striped', 'spotted', 'checkered', 'plaid', 'rainbow', 'monochrome', 'sepia',
];

/** Cardinal number words. */
const CARDINALS = [
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen',
  'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy',
  'eighty', 'ninety',
];

const NUMBER_WORDS = [
  ...CARDINALS, 'dozen*', 'hundred*', 'single', 'lone', 'only', 'pair', 'pairs', 'couple', 'several', 'many', 'few',
  'multiple', 'numerous', 'lots of', 'a lot of', 'group of', 'groups of', 'bunch of', 'crowd', 'both', 'twin', 'twins',
  'triple', 'double', 'no one', 'nobody', 'empty', 'alone', 'solitary', 'another', 'each', 'every', 'exactly', 'in total',
  'a total of', 'nothing else', 'nothing more', 'no other', 'none',
];

/**
 * A number word or numeral followed by this is part of a compound adjective, not a count: a hyphen
 * and a word ("six-sided", "two-tone", "3-legged", "one-way"), unless the word is a number
 * ("twenty-five", "3-4") or "ish" ("three-ish"); or, written apart, a word that only forms such
 * compounds ("six sided", "two tone", "four wheeled").
 */
const COMPOUND_AFTER_NUMBER = `-(?!(?:${CARDINALS.join('|')}|ish)\\b)[a-z]|\\s+(?:sided|legged|wheeled|toned?|stor(?:e?y|ied)|tiered|seater|wheeler|lane|piece|way)\\b`;

const SIZE_WORDS = [
  'small', 'smaller', 'smallest', 'large', 'larger', 'largest', 'big', 'bigger', 'biggest', 'little', 'tiny', 'huge',
  'giant', 'gigantic', 'enormous', 'massive', 'miniature', 'mini', 'medium', 'medium-sized', 'mid-sized', 'midsize',
  'full-size', 'full-sized', 'large-sized', 'small-sized', 'oversized', 'tall', 'taller', 'tallest', 'short', 'shorter',
  'long', 'longer', 'wide', 'narrow', 'thin', 'thick', 'fat', 'slim', 'skinny', 'petite', 'vast', 'towering', 'compact',
];

const POSITION_WORDS = [
  'left', 'right', 'top', 'bottom', 'middle', 'center', 'centre', 'central', 'centrally', 'centered', 'centred', 'corner',
  'edge', 'side', 'upper left', 'upper right', 'lower left', 'lower right', 'top left', 'top right', 'bottom left',
  'bottom right', 'top-left', 'top-right', 'bottom-left', 'bottom-right', 'upper', 'lower', 'upper half', 'lower half',
  'top half', 'bottom half', 'left half', 'right half', 'left-hand', 'right-hand', 'top row', 'middle row', 'bottom row',
  'central row', 'centre row', 'center row', 'left column', 'middle column', 'central column', 'centre column',
  'center column', 'right column', 'off-centre', 'off-center', 'midway', 'halfway', 'front', 'back', 'foreground',
  'in the background', 'in background', 'distance', 'far', 'close-up', 'closeup', 'overhead', 'aerial', 'leftmost',
  'rightmost', 'topmost', 'bottommost',
];

/** Relations between things in the picture ("left of", "next to", "on top of"), not bare prepositions. */
const RELATION_WORDS = [
  'next to', 'beside', 'besides', 'alongside', 'adjacent to', 'on top of', 'atop', 'under', 'underneath', 'beneath',
  'below', 'above', 'over', 'near', 'nearby', 'close to', 'behind', 'in front of', 'in back of', 'inside', 'inside of',
  'outside of', 'onto', 'between', 'in between', 'among', 'amongst', 'surrounded by', 'across from', 'opposite', 'facing',
  'left of', 'right of', 'to the left of', 'to the right of', 'on the left of', 'on the right of', 'on either side of',
  'on both sides of', 'on the other side of', 'against', 'leaning on', 'leaning against', 'sitting on', 'sitting in',
  'standing on', 'standing in', 'standing next to', 'lying on', 'resting on', 'placed on', 'perched on', 'parked next to',
  'attached to', 'hanging from', 'hanging on', 'covered in', 'covered with', 'filled with', 'full of', 'holding',
  'carrying', 'riding',
];

/** Where a relation word names a place in the picture ("near the top"), it is a position. */
const POSITION_NOUNS = ['top', 'bottom', 'left', 'right', 'middle', 'centre', 'center', 'edge', 'corner', 'side', 'front', 'back'];
const RELATION_IGNORE = [...['near', 'close to', 'over', 'toward', 'towards'].flatMap((w) => POSITION_NOUNS.map((p) => `${w} the ${p}`)), 'among them', 'amongst them'];

/** The default aspect rules: broad lexicons, documented in docs/conditional-aspects.md. */
export const LEXICON_RULES: readonly KeywordRule[] = [
  { name: 'colour', keywords: [...CSS_COLOURS, ...CSS_COLOURS.filter((c) => c.includes(' ')).map((c) => c.replace(/ /g, '')), ...COLOUR_VARIANTS] },
  // A number compared with ("smaller than three") or named with an article ("a 5", "the number 7") is a value, not a count.
  {
    name: 'count',
    keywords: [...NUMBER_WORDS, '#'],
    notBefore: COMPOUND_AFTER_NUMBER,
    ignore: ['than #', ...CARDINALS.map((c) => `than ${c}`), 'a #', 'an #', 'the number #', 'number #'],
  },
  // "a digit larger than five" compares values, not sizes: a size word followed by "than" and a number does not count.
  // "medium blue" is a colour, not a size.
  {
    name: 'size',
    keywords: SIZE_WORDS,
    notBefore: `\\s+than\\s+(?:\\d+|${CARDINALS.join('|')})\\b`,
    ignore: CSS_COLOURS.filter((c) => c.startsWith('medium ')),
  },
  // "left of" and "on top of" relate two things; "on the left" is a place in the picture.
  { name: 'position', keywords: POSITION_WORDS, ignore: ['left of', 'right of', 'on top of', 'in front of', 'in back of'] },
  { name: 'relation', keywords: RELATION_WORDS, ignore: RELATION_IGNORE },
];

/** Below this share of captions an aspect is too thin to train or evaluate a condition well. */
export const LOW_COVERAGE = 0.05;

/** Where a caption's aspects came from. */
export type AspectSource = 'sample' | 'aspects.jsonl' | 'lexicon' | 'rules';

/** The source as the result names it ("aspects from …"). */
export const ASPECT_SOURCE_LABEL: Readonly<Record<AspectSource, string>> = {
  sample: "the sample's caption atoms",
  'aspects.jsonl': 'aspects.jsonl',
  lexicon: 'the aspect lexicon',
  rules: 'keyword rules',
};

/** What to do about an aspect with few captions, for each source. */
const LOW_COVERAGE_REMEDY: Readonly<Record<AspectSource, string>> = {
  sample: 'generate more images, or a preset whose captions speak of it more often',
  'aspects.jsonl': 'label more captions with this aspect in aspects.jsonl',
  lexicon: 'supply aspects.jsonl (caption → aspect → value) for this vocabulary',
  rules: 'widen the keyword rules for this aspect, or supply aspects.jsonl',
};

export interface AspectCoverage {
  /** Share of captions tagged with each aspect, 0..1. */
  share: Record<string, number>;
  /** Aspects under LOW_COVERAGE, with a sentence for the user. */
  warnings: string[];
}

export function aspectCoverage(names: readonly string[], counts: readonly number[], nCaptions: number, source: AspectSource): AspectCoverage {
  const share: Record<string, number> = {};
  const warnings: string[] = [];
  names.forEach((name, k) => {
    const s = nCaptions ? counts[k] / nCaptions : 0;
    share[name] = s;
    if (s < LOW_COVERAGE) {
      warnings.push(
        `aspect "${name}" tags ${(s * 100).toFixed(1)} % of the captions (${counts[k]} of ${nCaptions}, from ${ASPECT_SOURCE_LABEL[source]}): too few to train or judge that condition; ${LOW_COVERAGE_REMEDY[source]}`,
      );
    }
  });
  return { share, warnings };
}
