// Moves keyboard focus to an element when it appears (e.g. a page heading after a
// screen change, or an error summary), so screen-reader and keyboard users follow along.
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}
