/**
 * Turns a drawing into the 28x28 input an MNIST model expects, the way the MNIST
 * digits themselves were made: the ink's bounding box is scaled so its longer side
 * is 20 px (aspect kept, area-averaged), then placed in a 28x28 field so that its
 * centre of mass sits at the centre. Values are ink intensity in [0, 1].
 */
export interface Drawing {
  /** Ink per pixel in [0, 1], row-major, `width * height` values. */
  ink: ArrayLike<number>;
  width: number;
  height: number;
}

const FIELD = 28;
const BOX = 20;

/** Ink intensity from RGBA pixels: dark strokes on a light background, or any opaque stroke on transparency. */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number): Drawing {
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) {
    const r = rgba[4 * i] as number;
    const g = rgba[4 * i + 1] as number;
    const b = rgba[4 * i + 2] as number;
    const alpha = (rgba[4 * i + 3] as number) / 255;
    const darkness = 1 - (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    ink[i] = alpha * darkness;
  }
  return { ink, width, height };
}

function inkBounds({ ink, width, height }: Drawing): { top: number; left: number; bottom: number; right: number } | null {
  let top = height;
  let left = width;
  let bottom = -1;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((ink[y * width + x] as number) > 0.05) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  return bottom < 0 ? null : { top, left, bottom, right };
}

/** Area-averaging resample of a crop to `outWidth x outHeight`. */
function resample(drawing: Drawing, crop: { top: number; left: number; width: number; height: number }, outWidth: number, outHeight: number): Float32Array {
  const out = new Float32Array(outWidth * outHeight);
  const scaleX = crop.width / outWidth;
  const scaleY = crop.height / outHeight;
  for (let oy = 0; oy < outHeight; oy++) {
    const y0 = crop.top + oy * scaleY;
    const y1 = y0 + scaleY;
    for (let ox = 0; ox < outWidth; ox++) {
      const x0 = crop.left + ox * scaleX;
      const x1 = x0 + scaleX;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += wx * wy * (drawing.ink[y * drawing.width + x] ?? 0);
        }
      }
      out[oy * outWidth + ox] = sum / (scaleX * scaleY);
    }
  }
  return out;
}

/**
 * 784 values in [0, 1] (row-major 28x28), or all zeros for an empty drawing.
 *
 * @example
 * const input = toMnistInput(inkFromRgba(ctx.getImageData(0, 0, 280, 280).data, 280, 280));
 */
export function toMnistInput(drawing: Drawing): Float32Array {
  const field = new Float32Array(FIELD * FIELD);
  const bounds = inkBounds(drawing);
  if (bounds === null) return field;
  const cropWidth = bounds.right - bounds.left + 1;
  const cropHeight = bounds.bottom - bounds.top + 1;
  const scale = BOX / Math.max(cropWidth, cropHeight);
  const outWidth = Math.max(1, Math.round(cropWidth * scale));
  const outHeight = Math.max(1, Math.round(cropHeight * scale));
  const digit = resample(drawing, { top: bounds.top, left: bounds.left, width: cropWidth, height: cropHeight }, outWidth, outHeight);

  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const v = digit[y * outWidth + x] as number;
      mass += v;
      sumX += v * (x + 0.5);
      sumY += v * (y + 0.5);
    }
  }
  const offsetX = Math.round(FIELD / 2 - sumX / mass);
  const offsetY = Math.round(FIELD / 2 - sumY / mass);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const fx = x + offsetX;
      const fy = y + offsetY;
      if (fx >= 0 && fx < FIELD && fy >= 0 && fy < FIELD) {
        field[fy * FIELD + fx] = Math.min(1, digit[y * outWidth + x] as number);
      }
    }
  }
  return field;
}
