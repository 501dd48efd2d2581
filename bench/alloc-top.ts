// Who allocates: bytes per request by function (self) and by package, from the allocation profile
// bench/quick.ts writes with --alloc-prof FILE (every allocation sampled, garbage included).
//   npx tsx bench/alloc-top.ts FILE --requests N [--top 30]
import { readFileSync } from 'node:fs';
import { ownerOf } from './profile-top.js';

interface AllocNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocNode[];
}

const file = process.argv[2]!;
const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const requests = flag('requests', 1);
const top = flag('top', 30);
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: AllocNode };
const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
let total = 0;
const walk = (node: AllocNode) => {
  const f = node.callFrame;
  const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(functions|bench)\//, '$1/')}:${f.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
  const owner = ownerOf(f.url);
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const c of node.children) walk(c);
};
walk(head);
console.log(`${(total / requests / 1024).toFixed(1)} KB allocated per request (sampled)`);
for (const [title, map] of [['package / folder', byOwner], ['function', byFunction]] as const) {
  console.log(`\n| ${title} | KB / request | % |\n| --- | --- | --- |`);
  for (const [name, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`| ${name.replace(/\|/g, '\\|')} | ${(bytes / requests / 1024).toFixed(2)} | ${((bytes / total) * 100).toFixed(1)} |`);
  }
}
