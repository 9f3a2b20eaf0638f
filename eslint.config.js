// Lint rules, including the import directions of ../shared/STYLE.md ("Layout inside src/").
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

/** Folders under src/ and what each may NOT import (STYLE.md import directions). */
const kernelZones = [
  { target: './src/errors', from: './src', except: ['./errors'] },
  { target: './src/packet', from: './src', except: ['./packet', './errors'] },
  { target: './src/process', from: './src', except: ['./process', './errors'] },
  { target: './src/spec', from: './src', except: ['./spec', './errors'] },
  { target: './src/port', from: './src', except: ['./port', './packet', './process', './errors'] },
  { target: './src/node', from: './src', except: ['./node', './port', './packet', './process', './errors'] },
  { target: './src/language', from: './src', except: ['./language', './errors'] },
  { target: './src/log', from: './src', except: ['./log'] },
  { target: './src/scheme', from: './src', except: ['./scheme', './auth', './store', './spec', './node', './port', './packet', './process', './language', './log', './errors'] },
  { target: './src/symbol', from: './src', except: ['./symbol', './spec', './node', './port', './scheme', './packet', './process', './log', './errors'] },
  { target: './src/store', from: './src', except: ['./store', './spec', './errors'] },
  { target: './src/loader', from: './src', except: ['./loader', './store', './symbol', './scheme', './spec', './node', './process', './language', './log', './errors'] },
  { target: './src/runtime', from: './src', except: ['./runtime', './auth', './loader', './symbol', './scheme', './store', './spec', './process', './language', './log', './errors'] },
  { target: './src/auth', from: './src', except: ['./auth', './store', './log', './errors'] },
  { target: './src/topology', from: './src', except: ['./topology', './scheme', './spec', './errors'] },
  { target: './src/ops', from: './src', except: ['./ops', './topology', './auth', './runtime', './loader', './symbol', './scheme', './store', './spec', './node', './port', './packet', './process', './language', './log', './errors'] },
  { target: './src', from: './cli' },
  { target: './src', from: './codecs' },
  { target: './src', from: './schemes' },
  { target: './src', from: './test' },
  { target: './codecs', from: './cli' },
  { target: './codecs', from: './schemes' },
  { target: './codecs', from: './src', except: ['./index.ts'] },
  { target: './schemes', from: './src', except: ['./index.ts'] },
  { target: './schemes', from: './cli' },
  { target: './cli', from: './test' },
  { target: './schemes', from: './test' },
  { target: './codecs', from: './test' },
  { target: './bench', from: './test' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', '.weft/**', 'ui/assets/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
    rules: {
      'import/no-cycle': 'error',
      'import/no-restricted-paths': ['error', { zones: kernelZones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a string union (STYLE.md).' }],
    },
  },
);
