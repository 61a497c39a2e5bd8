import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { encodeAnswer, stringifyAnswer } from './answer-bytes.js';

describe('answer bytes', () => {
  it('sends the answer as UTF-8 with one trailing newline, multi-byte characters and a rope included', async () => {
    const app = Fastify();
    // JSON.stringify of a large value is a rope (V8 cons string): the case the hook exists for.
    const answer = { data: { names: Array.from({ length: 2000 }, (_, i) => `Zoë ${i} — 5 € 😀`) } };
    app.get('/answer', { onSend: [encodeAnswer] }, (_request, reply) => {
      void reply.type('application/json').send(stringifyAnswer(answer));
    });
    app.get('/object', { onSend: [encodeAnswer] }, () => ({ ok: true }));
    app.get('/buffer', { onSend: [encodeAnswer] }, (_request, reply) => {
      void reply.type('application/octet-stream').send(Buffer.from([1, 2, 3]));
    });

    const text = await app.inject({ url: '/answer' });
    expect(text.rawPayload.equals(Buffer.from(`${JSON.stringify(answer)}\n`, 'utf8'))).toBe(true);
    expect(Number(text.headers['content-length'])).toBe(text.rawPayload.length);
    expect(JSON.parse(text.payload)).toEqual(answer);

    // fastify serialises a returned object to a string before onSend: it gets the newline too.
    const object = await app.inject({ url: '/object' });
    expect(object.payload).toBe('{"ok":true}\n');

    // What is not text passes untouched.
    const buffer = await app.inject({ url: '/buffer' });
    expect([...buffer.rawPayload]).toEqual([1, 2, 3]);
    await app.close();
  });
});
