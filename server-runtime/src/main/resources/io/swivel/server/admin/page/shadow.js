'use strict';
// The admin page's shadow report: every 2 s, per bundle running a shadow, what its copies came to
// (copied, matched, mismatched, failed on the shadow, dropped when its queue was full) and the last
// mismatches, newest first, with the method, the arguments and both answers (cut by the server,
// and again here, the whole text in the cell's title). Read from the shadow field of GET /v1/bundles.
// All data goes into the page as text, never as HTML.
(function () {
  const POLL_MILLIS = 2000;
  const SHOWN_CHARS = 160;
  const COUNTS = [['copied', 'copied'], ['matches', 'matched'], ['mismatches', 'mismatched'],
    ['errors', 'failed on the shadow'], ['dropped', 'dropped']];
  const container = document.getElementById('shadows');
  const none = document.getElementById('no-shadows');
  const blocks = new Map(); // bundle -> {element, key}

  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined) {
      e.textContent = text === null ? '' : String(text);
    }
    return e;
  }

  function cut(text) {
    const value = text === null || text === undefined ? '' : String(text);
    return value.length > SHOWN_CHARS ? value.slice(0, SHOWN_CHARS) + '…' : value;
  }

  function row(cells, tag) {
    const tr = element('tr');
    cells.forEach(([text, className, title]) => {
      const td = element(tag || 'td', className, text);
      if (title) {
        td.title = title;
      }
      tr.appendChild(td);
    });
    return tr;
  }

  function render(bundle) {
    const shadow = bundle.shadow;
    const key = JSON.stringify(shadow);
    let block = blocks.get(bundle.name);
    if (block && block.key === key) {
      return;
    }
    const div = element('div', 'shadow');
    div.dataset.bundle = bundle.name;
    COUNTS.forEach(([field]) => { div.dataset[field] = shadow[field]; });
    div.appendChild(element('h3', null, bundle.name + ': shadow ' + shadow.version + ' beside '
      + (bundle.active ? bundle.active.version : '–') + ' · ' + shadow.percent + '% of the calls to @Idempotent methods · '
      + shadow.threads + ' threads, queue ' + shadow.queue));
    const counts = element('table', 'counts');
    counts.appendChild(row(COUNTS.map(([, label]) => [label, 'num']), 'th'));
    counts.appendChild(row(COUNTS.map(([field]) => [shadow[field], 'num ' + field
      + ((field === 'mismatches' || field === 'errors') && shadow[field] > 0 ? ' is-bad' : '')])));
    div.appendChild(counts);
    if (shadow.lastError) {
      div.appendChild(element('p', 'last-error is-error', 'last failure on the shadow: ' + shadow.lastError));
    }
    const mismatches = shadow.lastMismatches || [];
    div.appendChild(element('p', 'muted', mismatches.length ? 'Last ' + mismatches.length + ' mismatches, newest first'
      : 'No mismatch so far.'));
    if (mismatches.length) {
      const table = element('table', 'mismatches');
      table.appendChild(row([['Time'], ['Method'], ['Arguments'], ['Live answer'], ['Shadow answer']], 'th'));
      mismatches.slice().reverse().forEach((m) => {
        const paren = m.method.indexOf('(');
        const method = m.method.slice(m.method.lastIndexOf('.', paren < 0 ? m.method.length : paren) + 1); // greet(java.lang.String)
        table.appendChild(row([[new Date(m.at).toLocaleTimeString(), 'time', m.at], [method, 'method', m.method],
          [cut(m.arguments), 'arguments', m.arguments], [cut(m.live), 'live', m.live], [cut(m.shadow), 'shadow-answer', m.shadow]]));
      });
      div.appendChild(table);
    }
    if (block) {
      block.element.replaceWith(div);
    } else {
      container.appendChild(div);
    }
    blocks.set(bundle.name, { element: div, key });
  }

  async function poll() {
    try {
      const response = await fetch('/v1/bundles', { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (!response.ok) {
        throw new Error('GET /v1/bundles answered HTTP ' + response.status);
      }
      const shadowed = (await response.json()).bundles.filter(b => b.shadow);
      const names = shadowed.map(b => b.name);
      for (const [name, block] of blocks) {
        if (!names.includes(name)) {
          block.element.remove();
          blocks.delete(name);
        }
      }
      shadowed.forEach(render);
      none.hidden = shadowed.length > 0;
    } catch (e) {
      console.warn('the shadow report could not update: ' + e.message); // the table's poll shows the error banner
    }
  }

  poll();
  setInterval(poll, POLL_MILLIS);
}());
