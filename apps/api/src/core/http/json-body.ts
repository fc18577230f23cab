import type { FastifyInstance, FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import { checkedBodies, findProblem, problemException } from './input-guard';
import { inputLimits } from './input-limits';

/** Above this size a body of a route named in `arrays` is parsed in pieces. */
const PIECEWISE_BYTES = 1 << 20;
/** Elements per piece, and characters scanned between two yields. */
const ELEMENTS_PER_PIECE = 1000;
const SCAN_CHARS = 1 << 20;

const parseOptions = { protoAction: 'error', constructorAction: 'error' } as const;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));
const badJson = () => Object.assign(new Error("Body is not valid JSON but content-type is set to 'application/json'"), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });

/**
 * The JSON body parser: Fastify's own behaviour (secure-json-parse, `__proto__` and `constructor`
 * keys refused) for every body, except large bodies of the routes in `arrays` (the area import):
 * there the named top-level array (`features`) is cut into pieces of 1,000 elements by a scan that
 * yields to other requests every megabyte, each piece parsed and checked (NUL, nesting) on its own,
 * with a yield between pieces. JSON.parse of the probe's 30 MB collection held the event loop for
 * 1.3 s under load, the guard's walk of it another 0.5–0.9 s; in pieces, none holds it for more
 * than a few milliseconds.
 */
export function registerJsonParser(fastify: FastifyInstance, arrays: Record<string, string>): void {
  fastify.removeContentTypeParser('application/json');
  // A callback parser (not async): the intake's hot path gets no promise per request.
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done: (e: Error | null, v?: unknown) => void) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const key = arrays[request.routeOptions?.url ?? ''];
    if (key && text.length >= PIECEWISE_BYTES) {
      parseInPieces(text, key).then(
        (v) => done(null, v),
        (e: Error) => done(e),
      );
      return;
    }
    let value: unknown;
    try {
      value = parseWhole(text);
    } catch (e) {
      done(e as Error);
      return;
    }
    done(null, value);
  });
}

function parseWhole(text: string): unknown {
  if (text.length === 0) throw Object.assign(new Error("Body cannot be empty when content-type is set to 'application/json'"), { statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' });
  try {
    return sjson.parse(text, null, parseOptions);
  } catch {
    throw badJson();
  }
}

/**
 * Where the top-level array `key` of a JSON object is: its '[' and ']' and the commas between its
 * elements. Null when the text is not shaped like that (then it is parsed whole, as usual).
 */
async function scan(text: string, key: string): Promise<{ open: number; close: number; commas: number[] } | null> {
  let depth = 0;
  let inString = false;
  let stringStart = -1;
  let lastKey: string | null = null;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (i % SCAN_CHARS === 0 && i > 0) await yieldToOthers();
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) {
        inString = false;
        if (depth === 1) lastKey = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (c === 34) {
      inString = true;
      stringStart = i;
    } else if (c === 123 || c === 91) {
      depth++;
      if (c === 91 && depth === 2 && open < 0 && lastKey === key) open = i;
      else if (depth === 1 && c !== 123) return null; // the root is not an object
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 1 && c === 93 && open >= 0) return { open, close: i, commas }; // the key's array ends here
    } else if (c === 44 && depth === 2 && open >= 0) {
      commas.push(i);
    } else if (c === 44 && depth === 1) {
      lastKey = null;
    }
  }
  return null;
}

export async function parseInPieces(text: string, key: string): Promise<unknown> {
  const at = await scan(text, key);
  if (!at) return parseWhole(text);
  const max = inputLimits.jsonMaxDepth;
  // The object without the array (type, crs, name…): small, parsed and checked at once.
  const root = parseWhole(text.slice(0, at.open) + '[]' + text.slice(at.close + 1)) as Record<string, unknown>;
  const rootProblem = findProblem(root, 'body', max);
  if (rootProblem) throw problemException(rootProblem);
  const bounds = [at.open, ...at.commas, at.close];
  const elements: unknown[] = [];
  for (let b = 0; b < bounds.length - 1; b += ELEMENTS_PER_PIECE) {
    const end = Math.min(b + ELEMENTS_PER_PIECE, bounds.length - 1);
    const piece = text.slice(bounds[b] + 1, bounds[end]);
    let parsed: unknown[];
    try {
      parsed = sjson.parse(`[${piece}]`, null, parseOptions) as unknown[];
    } catch {
      throw badJson();
    }
    // The array is at depth 2 of the body; its elements at 3: the piece's array stands for it.
    const problem = findProblem(parsed, `body.${key}`, max - 1);
    if (problem) {
      // Field names inside the piece count from its first element: give the element's real index.
      problem.field = problem.field.replace(new RegExp(`^body\\.${key}\\.(\\d+)`), (_, i: string) => `body.${key}.${b + Number(i)}`);
      throw problemException(problem);
    }
    for (const x of parsed) elements.push(x);
    await yieldToOthers();
  }
  root[key] = elements;
  checkedBodies.add(root);
  return root;
}
