// The app's Memory: localStorage, where a storage error (private mode, quota) only means the
// preference is not remembered.
import type { Memory } from './state';

export const browserMemory: Memory = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      // not remembered
    }
  },
};
