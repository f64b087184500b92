// The documented lexicon that tags captions with aspects (colour, count, size, position, relation)
// for the conditional head on data without aspect labels. It has to hold on vocabularies we never
// saw, so it is broad: every CSS / X11 colour name (multi-word names split: "light sea green"),
// common colour variants and -ish forms, number words and numerals, size words including
// "medium-sized", and position and relation phrases such as "upper left" and "in front of".
// A dataset can instead supply its own aspects (aspects.jsonl, see aspects_file.ts).
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

const NUMBER_WORDS = [
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen',
  'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty', 'dozen*', 'hundred*', 'single', 'lone', 'only',
  'pair', 'pairs', 'couple', 'several', 'many', 'few', 'multiple', 'numerous', 'lots of', 'a lot of', 'group of',
  'groups of', 'bunch of', 'crowd', 'both', 'twin', 'twins', 'triple', 'double', 'no one', 'nobody', 'empty', 'alone',
  'solitary', 'another', 'each', 'every',
];

const SIZE_WORDS = [
  'small', 'smaller', 'smallest', 'large', 'larger', 'largest', 'big', 'bigger', 'biggest', 'little', 'tiny', 'huge',
  'giant', 'gigantic', 'enormous', 'massive', 'miniature', 'mini', 'medium', 'medium-sized', 'mid-sized', 'midsize',
  'full-size', 'full-sized', 'large-sized', 'small-sized', 'oversized', 'tall', 'taller', 'tallest', 'short', 'shorter',
  'long', 'longer', 'wide', 'narrow', 'thin', 'thick', 'fat', 'slim', 'skinny', 'petite', 'vast', 'towering', 'compact',
];

const POSITION_WORDS = [
  'left', 'right', 'top', 'bottom', 'middle', 'center', 'centre', 'centered', 'centred', 'corner', 'edge', 'side',
  'upper left', 'upper right', 'lower left', 'lower right', 'top left', 'top right', 'bottom left', 'bottom right',
  'top-left', 'top-right', 'bottom-left', 'bottom-right', 'upper', 'lower', 'front', 'back', 'foreground', 'background',
  'distance', 'far', 'close-up', 'closeup', 'overhead', 'aerial', 'leftmost', 'rightmost', 'topmost', 'halfway',
];

const RELATION_WORDS = [
  'next to', 'beside', 'besides', 'alongside', 'on top of', 'under', 'underneath', 'beneath', 'below', 'above', 'over',
  'near', 'nearby', 'close to', 'behind', 'in front of', 'inside', 'within', 'outside', 'on', 'onto', 'in', 'into',
  'holding', 'carrying', 'riding', 'with', 'without', 'between', 'among', 'amongst', 'around', 'surrounded by', 'across',
  'across from', 'opposite', 'facing', 'left of', 'right of', 'to the left of', 'to the right of', 'against', 'along',
  'leaning on', 'sitting on', 'standing on', 'lying on', 'attached to', 'hanging from', 'covered in', 'covered with',
  'filled with', 'full of', 'through', 'past', 'toward', 'towards', 'away from',
];

/** The default aspect rules: broad lexicons, documented in docs/conditional-aspects.md. */
export const LEXICON_RULES: readonly KeywordRule[] = [
  { name: 'colour', keywords: [...CSS_COLOURS, ...CSS_COLOURS.filter((c) => c.includes(' ')).map((c) => c.replace(/ /g, '')), ...COLOUR_VARIANTS] },
  { name: 'count', keywords: [...NUMBER_WORDS, '#'] },
  // "a digit larger than five" compares values, not sizes: a size word followed by "than" and a number does not count.
  { name: 'size', keywords: SIZE_WORDS, notBefore: `\\s+than\\s+(?:\\d+|${NUMBER_WORDS.slice(0, 20).join('|')})\\b` },
  { name: 'position', keywords: POSITION_WORDS },
  { name: 'relation', keywords: RELATION_WORDS },
];

/** Below this share of captions an aspect is too thin to train or evaluate a condition well. */
export const LOW_COVERAGE = 0.05;

export interface AspectCoverage {
  /** Share of captions tagged with each aspect, 0..1. */
  share: Record<string, number>;
  /** Aspects under LOW_COVERAGE, with a sentence for the user. */
  warnings: string[];
}

export function aspectCoverage(names: readonly string[], counts: readonly number[], nCaptions: number, source: string): AspectCoverage {
  const share: Record<string, number> = {};
  const warnings: string[] = [];
  names.forEach((name, k) => {
    const s = nCaptions ? counts[k] / nCaptions : 0;
    share[name] = s;
    if (s < LOW_COVERAGE) {
      warnings.push(`aspect "${name}" tags ${(s * 100).toFixed(1)} % of the captions (${counts[k]} of ${nCaptions}, from ${source}): too few to train or judge that condition; supply aspects.jsonl for this vocabulary`);
    }
  });
  return { share, warnings };
}
