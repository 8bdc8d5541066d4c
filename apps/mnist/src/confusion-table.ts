/**
 * A confusion matrix as a fixed-width text table: rows are true digits, columns predicted
 * digits, with per-class recall on the right so the weakest digits stand out.
 */
export function formatConfusionMatrix(matrix: readonly (readonly number[])[]): string {
  const width = Math.max(5, ...matrix.flat().map((count) => String(count).length + 1));
  const cell = (text: string | number) => String(text).padStart(width);
  const header = `${'true\\pred'.padEnd(10)}${matrix.map((_, column) => cell(column)).join('')}${cell('recall').padStart(9)}`;
  const rows = matrix.map((row, label) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    const recall = total === 0 ? 'n/a' : `${((100 * (row[label] ?? 0)) / total).toFixed(1)}%`;
    return `${String(label).padEnd(10)}${row.map(cell).join('')}${recall.padStart(9)}`;
  });
  return [header, ...rows].join('\n');
}
