import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contextFilter, ignoreLines, isDotPath, isEditorBackup } from '../../src/function/context-files.ts';

const FOLDER = [
  '#handler.py#',
  '.#handler.py',
  '.env',
  '.faasoignore',
  '.git/config',
  '.handler.py.swp',
  '.ssh/id_ed25519',
  '.vscode/settings.json',
  'build.log',
  'config/.settings',
  'data/a.json',
  'handler.py',
  'handler.py~',
  'notes/todo.md',
];

const entering = (globs: string[], ignore = ''): string[] =>
  FOLDER.filter((f) => contextFilter(globs, ignoreLines(ignore)).enters(f));

test('dotfiles, dot folders and editor litter (backup~, #autosave#) stay out by default', () => {
  assert.equal(entering([]), ['build.log', 'data/a.json', 'handler.py', 'notes/todo.md']);
  assert.ok(isDotPath('a/.b/c') && isDotPath('.env') && !isDotPath('a.b/c'));
  assert.ok(isEditorBackup('a/x~') && isEditorBackup('#x#') && !isEditorBackup('#') && !isEditorBackup('a~b'));
});

test('a files glob that names the dot brings a dotfile in; wildcards alone never do, nor for backups', () => {
  assert.equal(entering(['**/*', '*']), ['build.log', 'data/a.json', 'handler.py', 'notes/todo.md']);
  assert.equal(entering(['.env', 'config/.*']), [
    '.env',
    'build.log',
    'config/.settings',
    'data/a.json',
    'handler.py',
    'notes/todo.md',
  ]);
  assert.equal(entering(['handler.py?', '?handler.py?']), entering([]));
});

test('.faasoignore takes gitignore syntax: comments, folders, negation, anchoring', () => {
  const ignore = '# logs\n*.log\nnotes/\n\n/data/*\n!/data/a.json\n';
  assert.equal(entering([], ignore), ['data/a.json', 'handler.py']);
  assert.equal(entering([], 'data\r\n'), ['build.log', 'handler.py', 'notes/todo.md']);
});

test('.faasoignore wins over files', () => {
  const f = contextFilter(['.env', 'data/*.json'], ['.env', 'data/']);
  assert.not.ok(f.enters('.env'));
  assert.not.ok(f.enters('data/a.json'));
  assert.ok(f.ignored('data/a.json') && !f.ignored('handler.py'));
});

test('a malformed or non-text glob selects nothing instead of throwing (the validator reports it)', () => {
  assert.equal(entering(['[', 7 as unknown as string, '.env']).includes('.env'), true);
});

test.run();
