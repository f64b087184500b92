// Every keyboard shortcut of the app in one list: the `?` overlay and the map's help corner read
// it, so the two never disagree with what the keys do.

export interface Shortcut {
  keys: string[];
  does: string;
  /** Shown in the small help corner on the map too, with this short text. */
  corner?: string;
}

export interface ShortcutGroup {
  title: string;
  items: Shortcut[];
}

export const SHORTCUTS: ShortcutGroup[] = [
  {
    title: 'Map (click the map first)',
    items: [
      { keys: ['0'], does: 'fit the whole map in view (also double-click)', corner: 'fit' },
      { keys: ['+', '-'], does: 'zoom in / out (also the mouse wheel)', corner: 'zoom' },
      { keys: ['←', '↑', '→', '↓'], does: 'pan (also drag)' },
      { keys: ['click'], does: 'select a point: its partners and neighbours' },
      { keys: ['Esc'], does: 'clear the selection', corner: 'clear selection' },
      { keys: ['Shift', 'drag'], does: 'lasso points (Alt-drag subtracts, Shift+Alt-drag intersects)' },
      { keys: ['Shift', 'R'], does: 'send the lasso selection to review as one unit' },
      { keys: ['Shift', 'E'], does: 'export the lasso selection as SQLite' },
    ],
  },
  {
    title: 'Anywhere',
    items: [
      { keys: ['/'], does: 'search captions and images', corner: 'search' },
      { keys: ['?'], does: 'show these shortcuts', corner: 'all shortcuts' },
      { keys: ['Ctrl', 'Z'], does: 'undo the last flag' },
      { keys: ['Ctrl', 'Shift', 'Z'], does: 'redo (also Ctrl+Y)' },
    ],
  },
  {
    title: 'Review (in the unit grid)',
    items: [
      { keys: ['1', '2', '3', '4'], does: 'label the focused pair on the ECCV scale (1 clearly correct … 4 wrong)' },
      { keys: ['r', 'c'], does: 'label the whole row / column like the focused cell' },
      { keys: ['i', 'I'], does: 'mark the image / the caption invalid' },
      { keys: ['←', '↑', '→', '↓'], does: 'move between candidate cells' },
      { keys: ['Enter', 'n'], does: 'save the unit and open the next' },
      { keys: ['p'], does: 'back to the previous unit' },
      { keys: ['u'], does: 'undo the last decision' },
    ],
  },
];
