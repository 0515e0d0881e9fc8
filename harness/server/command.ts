// harmonium serve: the browser demos (dist/demos of this package) on 127.0.0.1 until Ctrl-C.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { HarmoniumError, InputError } from '../../engine/errors.js';
import { defineCommand } from '../cli/command.js';
import { boolean, integer, type Values } from '../cli/schema.js';
import { distDir } from '../io/package.js';
import { serveStatic } from './static.js';

/** A browser holding a request open must not keep Ctrl-C from ending the command. */
const CLOSE_GRACE_MS = 2000;

const SERVE_FLAGS = {
  port: integer({ value: 'P', min: 0, max: 65535, default: 8642, help: 'port to listen on (0 picks a free one)' }),
  'open-log': boolean({ help: 'log each request (status, method, path) to stderr' }),
} as const;

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve the browser demos on 127.0.0.1 until interrupted (Ctrl-C)',
  flags: SERVE_FLAGS,
  details: `Serves this package's dist/demos on http://127.0.0.1 only, from whatever folder it is run.
WebGPU needs a secure context; loopback http is one, so open the printed address as it is.`,
  run: runServe,
});

/** Node's http diagnostics channel sees every response of this process's servers: no hook in serveStatic needed. */
function logRequests(): () => void {
  const onFinish = (message: unknown) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    process.stderr.write(`${new Date().toISOString()} ${response.statusCode} ${request.method} ${request.url}\n`);
  };
  subscribe('http.server.response.finish', onFinish);
  return () => unsubscribe('http.server.response.finish', onFinish);
}

async function runServe(values: Values<typeof SERVE_FLAGS>): Promise<void> {
  const { port } = values;
  const root = join(distDir(), 'demos');
  if (!existsSync(root)) throw new HarmoniumError(`no demos at ${root}: build them with 'node build.mjs' (bin/harmonium.mjs does it when dist/ is stale)`);

  let server;
  try {
    server = await serveStatic(root, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`--port ${port}: the port is in use; pick another (--port 0 picks a free one)`);
    if (code === 'EACCES') throw new InputError(`--port ${port}: not allowed to listen there; use a port above 1023`);
    throw e;
  }
  const stopLog = values['open-log'] ? logRequests() : () => undefined;
  process.stdout.write(`harmonium demos: ${server.url}/ising.html  (all demos: ${server.url}/)\n`);
  process.stderr.write(`serving ${root} on 127.0.0.1 only; Ctrl-C stops\n`);

  const signal = await new Promise<NodeJS.Signals>((ok) => {
    process.once('SIGINT', ok);
    process.once('SIGTERM', ok);
  });
  stopLog();
  await Promise.race([server.close(), new Promise((ok) => setTimeout(ok, CLOSE_GRACE_MS).unref())]);
  process.stderr.write(`stopped (${signal})\n`);
}
