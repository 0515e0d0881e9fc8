// The topics demo page (harness/topics/demo.ts) in headless Chromium (SwiftShader WebGPU): pasted
// paragraphs about two subjects make two topics, each holding one subject's words; the Federalist
// Papers load into the text box; text without words is refused in the notice, not thrown at the page.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startChrome, type ChromeSession } from '../harness/backends/chrome.js';
import type { TopicsDemoHook, TopicsDemoState } from '../harness/topics/demo.js';
import { documentsOfText } from '../harness/topics/demo_text.js';

const host = suite('topics demo: the documents of pasted text (no GPU)');

host('paragraphs are documents; a text of few paragraphs is cut after sentences into pieces of at least 60 words', () => {
  assert.equal(documentsOfText('one apple\n\n two  pear\n \nthree\n\nfour\n\nfive\n\n\n').documents, ['one apple', 'two pear', 'three', 'four', 'five']);
  const sentence = `${'word '.repeat(39)}end.`;
  const cut = documentsOfText(`${sentence} ${sentence}\n\n${sentence} ${sentence} ${sentence}`);
  assert.equal([cut.by, cut.documents.length], ['sentences', 2]);
  assert.equal(documentsOfText('   \n\n 123 ').documents, []);
});

const page = suite('topics demo page (chrome, GPU)');
let chrome: ChromeSession | null = null;
page.before(async () => {
  chrome = await startChrome('dist');
});
page.after(async () => {
  await chrome?.close();
});

type DemoWindow = Window & { harmoniumTopicsDemo?: TopicsDemoHook };

page('two subjects make two topics; the Federalist Papers load; wordless text is refused in the notice; no console errors', async () => {
  const { page: p, errors } = await chrome!.open('demos/topics.html');
  await p.waitForFunction(() => (window as DemoWindow).harmoniumTopicsDemo !== undefined, { timeout: 10_000 });
  await p.evaluate(() => (window as DemoWindow).harmoniumTopicsDemo!.ready);
  const fruit = 'apple banana cherry apple pear banana orchard fruit';
  const engine = 'engine wheel brake piston engine gear motor wheel';
  const text = Array.from({ length: 20 }, (_, i) => (i % 2 ? fruit : engine)).join('\n\n');
  const s: TopicsDemoState = await p.evaluate((t) => (window as DemoWindow).harmoniumTopicsDemo!.fit(t, { topics: 2, sweeps: 30, alpha: 0.1 }), text);
  assert.equal([s.sweeps, s.documents, s.tokens, s.vocabulary], [30, 20, 160, 12]);
  const tops = s.topics.map((t) => new Set(t.words.slice(0, 5)));
  assert.ok(tops.some((t) => ['apple', 'banana'].every((w) => t.has(w))) && tops.some((t) => ['engine', 'wheel'].every((w) => t.has(w))), JSON.stringify(s.topics));
  assert.ok(Math.abs(s.topics[0].share + s.topics[1].share - 1) < 1e-12);
  assert.is(await p.$$eval('#topics li', (items) => items.length), 2);
  const count = await p.evaluate(() => (window as DemoWindow).harmoniumTopicsDemo!.loadFederalist());
  assert.ok(count > 1000, `${count} documents`);
  assert.ok((await p.$eval('#text', (e) => (e as HTMLTextAreaElement).value.length)) > 1_000_000);
  const refused = await p.evaluate(() => (window as DemoWindow).harmoniumTopicsDemo!.fit('123 456').then(() => 'fitted', (e: Error) => e.message));
  assert.match(refused, /the text has no words/);
  assert.match(await p.$eval('#notice', (e) => e.textContent ?? ''), /Cannot fit this text/);
  assert.equal(errors, []);
});

host.run();
page.run();
