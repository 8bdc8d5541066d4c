import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FileRefusedError, describeValue } from '../errors.js';

function isInside(folder: string, target: string): boolean {
  const rel = relative(folder, target);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The path of `name` inside `folder`, for names read from a file nobody vouched for (a model's
 * `weightsFile`, say). Refuses absolute paths, `..`, empty names and NUL bytes, and, when the
 * target exists, a symbolic link that leads out of `folder`.
 *
 * @example
 * resolveInside('models/digits', 'weights.bin', 'weightsFile'); // 'models/digits/weights.bin' (absolute)
 * resolveInside('models/digits', '../../etc/passwd', 'weightsFile'); // throws FileRefusedError
 */
export function resolveInside(folder: string, name: unknown, field: string): string {
  const refuse = (why: string) =>
    new FileRefusedError(`Invalid value for \`${field}\`: ${describeValue(name)} ${why}. Expected a file name inside ${folder}.`);
  if (typeof name !== 'string' || name.length === 0) throw refuse('is not a file name');
  if (name.includes('\0')) throw refuse('contains a NUL byte');
  if (isAbsolute(name) || /^[a-zA-Z]:/.test(name) || name.startsWith('\\')) throw refuse('is an absolute path');
  if (name.split(/[\\/]/).includes('..')) throw refuse("contains '..'");
  const base = resolve(folder);
  const target = resolve(base, name);
  if (!isInside(base, target)) throw refuse('leads outside the folder');
  let realTarget: string;
  try {
    realTarget = realpathSync(target);
  } catch {
    return target; // Missing: the caller's read reports it; nothing outside was touched.
  }
  if (!isInside(realpathSync(base), realTarget)) throw refuse('is a link that leads outside the folder');
  return join(base, relative(base, target));
}
