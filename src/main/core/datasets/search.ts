// Find items by what a user remembers: a word of a caption, an image's file name or its id.
// Case-insensitive substring match; exact id matches come first.
import type { SearchHit, SearchResult } from '../../../shared/map_tools.js';
import type { Dataset } from './dataset.js';

export const DEFAULT_SEARCH_LIMIT = 50;

export function searchItems(ds: Dataset, query: string, limit = DEFAULT_SEARCH_LIMIT): SearchResult {
  const q = query.trim().toLowerCase();
  const hits: SearchHit[] = [];
  let total = 0;
  if (!q) return { query, hits, total, limit };
  const push = (h: SearchHit) => {
    total++;
    if (hits.length < limit) hits.push(h);
  };
  // Exact ids first: "42" should find image 42 before every caption that mentions 42.
  ds.images.forEach((im, i) => {
    if (im.id.toLowerCase() === q) push({ kind: 'image', index: i, text: im.path, id: im.id });
  });
  ds.captions.forEach((c, i) => {
    if (c.id.toLowerCase() === q) push({ kind: 'caption', index: i, text: c.text, id: c.id });
  });
  ds.images.forEach((im, i) => {
    if (im.id.toLowerCase() !== q && im.path.toLowerCase().includes(q)) push({ kind: 'image', index: i, text: im.path, id: im.id });
  });
  ds.captions.forEach((c, i) => {
    if (c.id.toLowerCase() !== q && c.text.toLowerCase().includes(q)) push({ kind: 'caption', index: i, text: c.text, id: c.id });
  });
  return { query, hits, total, limit };
}
