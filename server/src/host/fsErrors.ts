/**
 * A file-system error in words, for a message that already names the path. What a missing path or a file
 * where a folder was expected means depends on what was being done: reading what a walk found (a broken
 * symlink), or creating a folder (a parent that cannot hold it).
 */
export function describeFsError(err: unknown, doing: 'read' | 'create'): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return doing === 'create' ? 'no such folder (cannot be created there)' : 'does not exist (a broken symlink?)';
    case 'ENOTDIR':
      return doing === 'create' ? 'a parent is not a folder' : 'not a folder';
    case 'ELOOP':
      return 'symlink loop';
    case 'EISDIR':
      return 'is a folder';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return e?.message ?? String(err);
  }
}
