// `<file>.<pid>.<random>.tmp`: the pid lets a later process tell an orphan (its writer is gone)
// from a write in progress; the random part keeps two writers in one process apart.
export const TEMP_FILE_PATTERN = /^(.+)\.(\d+)\.[a-z0-9]+\.tmp$/;

export function tempNameFor(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}
