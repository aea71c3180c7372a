// The tokens an agent reads over a scripted 10-step task on each bench page, with whole
// observations and with `diff: true` (what changed since the session's previous
// observation of the page). Part of `make bench` (`BENCH_ONLY=diff` for this figure alone);
// a count of tokens, not a timing: the machine's load does not move it.
//
// The task, the same for both modes, is planned from the page's first observation (the
// ids are those of a fresh load, the same in both sessions): 1 observe with the URL, then
// up to 3 text fields typed into, up to 2 checkboxes or radios clicked, up to 1 collapsed
// control expanded, and the rest of the 10 calls alternately an observe of the page as it
// is and `S7` (wait 0.2 s), as an agent checks on a page between actions. What the agent
// reads of a call is `space.description` + `space.markdown` (or the error's message).

const TEXT_TYPES = new Set(['string', 'email', 'search', 'text', 'tel', 'url']);

/** The nine calls after the first observation, from that observation's actions. */
export function plan(actions) {
  const typed = actions
    .filter((a) => a.id.startsWith('I') && TEXT_TYPES.has(a.params?.[0]?.type) && !(a.params?.[0]?.values || []).length)
    .slice(0, 3)
    .map((a) => ({ action_id: a.id, value: 'browserd' }));
  const toggled = actions
    .filter((a) => a.id.startsWith('B') && /^(\[ \]|\( \))/.test(a.description))
    .slice(0, 2)
    .map((a) => ({ action_id: a.id }));
  const expanded = actions
    .filter((a) => a.id.startsWith('B') && /collapsed/.test(a.description))
    .slice(0, 1)
    .map((a) => ({ action_id: a.id }));
  const calls = [...typed, ...toggled, ...expanded];
  while (calls.length < 9) calls.push(calls.length % 2 ? { action_id: 'S7', value: '0.2' } : { observe: true });
  return calls;
}

/** Runs the task on each page in both modes; per page and overall token counts. */
export async function diffTokens(b, site, names, tokens, log) {
  const perPage = {};
  for (const name of names) {
    const url = `${site}/bench/${name}`;
    let calls = null;
    const record = {};
    for (const mode of ['full', 'diff']) {
      const started = await b.post('/session/start', { keep_alive: true, session_timeout_minutes: 30 });
      if (!started.ok) throw new Error(`start: ${started.status}`);
      const session = started.json.session_id;
      const read = [];
      let diffs = 0;
      const call = async (route, body) => {
        const r = await b.post(route, { session_id: session, keep_alive: true, diff: mode === 'diff', ...body });
        const space = r.json?.space;
        read.push(tokens(r.ok ? `${space?.description || ''}\n${space?.markdown || ''}` : JSON.stringify(r.json)));
        if (space?.diff) diffs += 1;
        return r;
      };
      try {
        const first = await call('/env/observe', { url });
        if (!first.ok) throw new Error(`observe ${first.status}`);
        calls ||= plan(first.json.space.actions);
        for (const next of calls) {
          if (next.observe) await call('/env/observe', {});
          else await call('/env/step', next);
        }
        record[mode] = { tokens: read.reduce((a, x) => a + x, 0), per_call: read, diffs };
      } catch (e) {
        record.error = `${mode}: ${e.message}`;
      } finally {
        await b.post('/session/close', { session_id: session });
      }
    }
    perPage[name] = { ...record, calls };
    if (record.full && record.diff) log(`diff tokens ${name}: full ${record.full.tokens}, diff ${record.diff.tokens} (${record.diff.diffs} of 10 calls answered as diffs)`);
  }
  const done = Object.values(perPage).filter((r) => r.full && r.diff);
  const full = done.reduce((a, r) => a + r.full.tokens, 0);
  const diff = done.reduce((a, r) => a + r.diff.tokens, 0);
  return { per_page: perPage, pages: done.length, full, diff, share: full ? diff / full : NaN };
}
