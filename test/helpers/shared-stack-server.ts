import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startStack, type Stack } from './stack.js';
import type { SharedStackDescriptor } from './shared-stack.js';

/**
 * Vitest globalSetup: a small HTTP service in the runner's process that lends default stacks
 * (`startStack()`, no options) to test files that only read. A file borrows one in `beforeAll`
 * and gives it back in `afterAll`; a stack is started only when every started one is lent, so
 * there are never more stacks than files reading at once (two workers: at most two), and none
 * at all when no such file runs. Every stack stops at the end of the run.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared-stack lender (see test/helpers/shared-stack.ts). */
    sharedStackLender: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stacks: Array<{ id: number; stack: Promise<Stack>; lent: boolean }> = [];
  const describe = (id: number, stack: Stack): SharedStackDescriptor => ({
    id,
    dataDir: stack.dataDir,
    env: stack.env,
    gatewayUrl: stack.gatewayUrl,
    gateway: { name: 'gateway', url: stack.gateway!.url },
    systems: Object.fromEntries(Object.entries(stack.systems).map(([name, service]) => [name, { name: service.name, url: service.url }])),
    subgraphs: Object.fromEntries(Object.entries(stack.subgraphs).map(([name, service]) => [name, { name: service.name, url: service.url }])),
  });
  const server: Server = createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const returned = /^\/return\/(\d+)$/.exec(request.url ?? '');
    if (request.method === 'POST' && returned) {
      const entry = stacks.find((candidate) => candidate.id === Number(returned[1]));
      if (entry) entry.lent = false;
      return answer(entry ? 200 : 404, {});
    }
    if (request.method !== 'POST' || request.url !== '/borrow') return answer(404, {});
    let entry = stacks.find((candidate) => !candidate.lent);
    if (!entry) {
      entry = { id: stacks.length + 1, stack: startStack(), lent: true };
      stacks.push(entry);
    }
    entry.lent = true;
    const { id } = entry;
    entry.stack.then(
      (stack) => answer(200, describe(id, stack)),
      (error: Error) => {
        // A stack that failed to start is never lent again; the next borrower starts a fresh one.
        stacks.splice(stacks.indexOf(entry), 1);
        answer(500, { message: error.message });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('sharedStackLender', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    server.close();
    await Promise.all(stacks.map(async ({ stack }) => (await stack.catch(() => undefined))?.stop()));
  };
}
