/**
 * How many columns and rows of window tiles to show in an area: every tile at least the minimum
 * readable size; when all windows fit, the arrangement that makes tiles biggest; otherwise as
 * many as fit, and the grid pages.
 */
export interface GridFit {
  columns: number;
  rows: number;
}

export function fitGrid(count: number, width: number, height: number, minTile: { width: number; height: number }, gap: number): GridFit {
  const maxCols = Math.max(1, Math.floor((width + gap) / (minTile.width + gap)));
  const maxRows = Math.max(1, Math.floor((height + gap) / (minTile.height + gap)));
  const n = Math.max(1, count);
  if (maxCols * maxRows < n) return { columns: maxCols, rows: maxRows };
  let best: GridFit = { columns: maxCols, rows: Math.ceil(n / maxCols) };
  let bestScore = 0;
  for (let columns = 1; columns <= maxCols; columns++) {
    const rows = Math.ceil(n / columns);
    if (rows > maxRows) continue;
    const tileW = (width - gap * (columns - 1)) / columns;
    const tileH = (height - gap * (rows - 1)) / rows;
    // Grow both sides alike: a tile twice as tall as needed but barely wide enough reads badly.
    const score = Math.min(tileW / minTile.width, tileH / minTile.height);
    if (score > bestScore) {
      bestScore = score;
      best = { columns, rows };
    }
  }
  return best;
}
