// The topics demo (harness/topics/demo.html): a visitor pastes text (or loads the Federalist Papers)
// and LDA fits K topics to it on the GPU (models/lda.ts), the topics' shares and top words redrawn
// every CHUNK sweeps with the training tokens' log-likelihood. A new fit or Stop ends the running one.
// Tests and the console drive it through window.harmoniumTopicsDemo (TopicsDemoHook below).
import { InputError, type RunContext } from '../../engine/index.js';
import { LdaSampler } from '../../models/lda.js';
import { documentTopics, logLikelihoodPerToken, topicWords, topWords } from '../../models/topics.js';
import { buildCorpus, type Corpus } from '../data/corpus.js';
import { federalistDocuments } from '../data/federalist.js';
import { escapeHtml, openDemo, showFailure, showNotice, clearNotice } from '../server/demo_page.js';
import { documentsOfText } from './demo_text.js';

/** Sweeps between redraws. */
const CHUNK = 10;
const ETA = 0.01;
const SEED = 1;
const WORDS_SHOWN = 10;

export interface TopicsDemoState {
  sweeps: number;
  documents: number;
  tokens: number;
  vocabulary: number;
  logLikelihoodPerToken: number;
  /** Per topic: its share of the tokens and its most probable words. */
  topics: Array<{ share: number; words: string[] }>;
}

export interface TopicsDemoHook {
  /** Resolves once the device is open. */
  ready: Promise<void>;
  /** Fits K topics to `text` for `sweeps` sweeps (the page's sliders otherwise); resolves with the end state. */
  fit(text: string, o?: { topics?: number; alpha?: number; sweeps?: number }): Promise<TopicsDemoState>;
  /** Puts the Federalist Papers' documents in the text box; resolves with how many. */
  loadFederalist(): Promise<number>;
}

declare global {
  interface Window {
    harmoniumTopicsDemo?: TopicsDemoHook;
  }
}

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`topics.html has no #${id}`);
  return e as T;
};

const ui = {
  notice: $<HTMLDivElement>('notice'),
  text: $<HTMLTextAreaElement>('text'),
  federalist: $<HTMLButtonElement>('federalist'),
  corpus: $<HTMLSpanElement>('corpus'),
  topics: $<HTMLInputElement>('topics-count'),
  alpha: $<HTMLInputElement>('alpha'),
  sweeps: $<HTMLInputElement>('sweeps'),
  fit: $<HTMLButtonElement>('fit'),
  stop: $<HTMLButtonElement>('stop'),
  list: $<HTMLOListElement>('topics'),
  out: { topics: $('topics-value'), alpha: $('alpha-value'), sweeps: $('sweeps-value'), sweep: $('out-sweep'), ll: $('out-ll'), rate: $('out-rate'), adapter: $('out-adapter') },
};

const state = {
  ctx: null as RunContext | null,
  /** Bumped by every fit and by Stop: an older fit stops at its next redraw. */
  generation: 0,
  busy: Promise.resolve() as Promise<unknown>,
};

function showSliders(): void {
  ui.out.topics.textContent = ui.topics.value;
  ui.out.alpha.textContent = Number(ui.alpha.value).toFixed(2);
  ui.out.sweeps.textContent = ui.sweeps.value;
}

/** The topics, largest share first, as a list. */
function drawTopics(s: TopicsDemoState): void {
  const order = s.topics.map((_, k) => k).sort((a, b) => s.topics[b].share - s.topics[a].share);
  const top = Math.max(...s.topics.map((t) => t.share));
  ui.list.innerHTML = order
    .map((k) => `<li value="${k}"><span class="share" style="width: ${Math.round((60 * s.topics[k].share) / top)}px"></span>${(100 * s.topics[k].share).toFixed(1)}% <span class="words">${escapeHtml(s.topics[k].words.join(' '))}</span></li>`)
    .join('');
  ui.out.sweep.textContent = String(s.sweeps);
  ui.out.ll.textContent = s.logLikelihoodPerToken.toFixed(4);
}

/** What the counts say now. */
async function readState(lda: LdaSampler, corpus: Corpus, k: number, alpha: number): Promise<TopicsDemoState> {
  const counts = await lda.read();
  const v = corpus.vocabulary.length;
  const documents = corpus.offsets.length - 1;
  const phi = topicWords(counts.nwk, counts.nk, v, k, ETA);
  const theta = documentTopics(counts.ndk, documents, k, alpha);
  const words = topWords(phi, corpus.vocabulary, k, Math.min(WORDS_SHOWN, v));
  const tokens = corpus.words.length;
  return {
    sweeps: lda.sweeps,
    documents,
    tokens,
    vocabulary: v,
    logLikelihoodPerToken: logLikelihoodPerToken(corpus, theta, phi, v, k),
    topics: words.map((w, z) => ({ share: counts.nk[z] / tokens, words: w })),
  };
}

/** Fits the topics, redrawing every CHUNK sweeps, until the sweeps are done or a newer fit or Stop. */
async function fit(text: string, k: number, alpha: number, sweeps: number): Promise<TopicsDemoState> {
  const generation = ++state.generation;
  clearNotice(ui.notice);
  const { documents, by } = documentsOfText(text);
  if (documents.length === 0) throw new InputError('the text has no words: paste some text or load the Federalist Papers');
  const { corpus, dropped } = buildCorpus(documents, { minCount: 2 });
  ui.corpus.textContent = `${documents.length} documents (by ${by}), ${corpus.words.length} tokens over ${corpus.vocabulary.length} words${dropped ? `, ${dropped} documents left empty` : ''}`;
  const lda = await LdaSampler.create(state.ctx!, corpus, { topics: k, alpha, eta: ETA, seed: SEED });
  try {
    let s = await readState(lda, corpus, k, alpha);
    drawTopics(s);
    while (lda.sweeps < sweeps && generation === state.generation) {
      const started = performance.now();
      const count = Math.min(CHUNK, sweeps - lda.sweeps);
      await lda.sweep(count);
      ui.out.rate.textContent = `${((corpus.words.length * count) / ((performance.now() - started) / 1000) / 1e6).toFixed(2)} M`;
      s = await readState(lda, corpus, k, alpha);
      drawTopics(s);
    }
    return s;
  } finally {
    lda.release();
  }
}

/** Runs `work` after whatever is queued (fits never overlap); failures go to the notice. */
function queue<T>(work: () => Promise<T>): Promise<T> {
  const next = state.busy.then(work);
  state.busy = next.catch(fail);
  return next;
}

function fail(e: unknown): void {
  if (e instanceof InputError) showNotice(ui.notice, 'warning', `<strong>Cannot fit this text.</strong> ${escapeHtml(e.message)}`);
  else showFailure(ui.notice, e);
}

async function loadFederalist(): Promise<number> {
  const documents = await federalistDocuments('browser');
  ui.text.value = documents.join('\n\n');
  ui.corpus.textContent = `the Federalist Papers: ${documents.length} documents of at least 150 words`;
  return documents.length;
}

function wireControls(): void {
  for (const slider of [ui.topics, ui.alpha, ui.sweeps]) slider.addEventListener('input', showSliders);
  showSliders();
  ui.federalist.addEventListener('click', () => void queue(loadFederalist));
  ui.fit.addEventListener('click', () => {
    state.generation++;
    void queue(() => fit(ui.text.value, Number(ui.topics.value), Number(ui.alpha.value), Number(ui.sweeps.value)));
  });
  ui.stop.addEventListener('click', () => void state.generation++);
}

async function main(): Promise<void> {
  wireControls();
  const { ctx, adapter } = await openDemo({ notice: ui.notice, page: 'topics.html', controls: [ui.fit, ui.federalist], onFail: fail });
  ui.out.adapter.textContent = adapter;
  state.ctx = ctx;
}

const ready = queue(main);
// The notice shows a failure; the hook's promise rejects for whoever awaits it, and nobody else.
ready.catch(() => undefined);
window.harmoniumTopicsDemo = {
  ready,
  fit: (text, o = {}) => {
    state.generation++;
    // The sliders show what the fit uses (as near as their steps allow).
    if (o.topics !== undefined) ui.topics.value = String(o.topics);
    if (o.alpha !== undefined) ui.alpha.value = String(o.alpha);
    if (o.sweeps !== undefined) ui.sweeps.value = String(o.sweeps);
    showSliders();
    return queue(() => fit(text, o.topics ?? Number(ui.topics.value), o.alpha ?? Number(ui.alpha.value), o.sweeps ?? Number(ui.sweeps.value)));
  },
  loadFederalist: () => queue(loadFederalist),
};
