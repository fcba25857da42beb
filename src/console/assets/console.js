// faaso console: follows a log over Server-Sent Events (the only script of
// its own; everything else is server-rendered HTML swapped in by htmx).
(() => {
  const MAX_LINES = 2000;
  function viewer(view) {
    const pre = view.querySelector('pre.log');
    const button = view.querySelector('button.follow');
    let source = null;
    const stop = () => {
      if (source) source.close();
      source = null;
      button.textContent = 'Follow';
      view.classList.remove('following');
    };
    button.addEventListener('click', () => {
      if (source) return stop();
      pre.textContent = '';
      source = new EventSource(view.dataset.logStream);
      button.textContent = 'Stop';
      view.classList.add('following');
      source.onmessage = (ev) => {
        const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        pre.append(`${ev.data}\n`);
        while (pre.childNodes.length > MAX_LINES) pre.firstChild.remove();
        if (atBottom) pre.scrollTop = pre.scrollHeight;
      };
      source.addEventListener('end', stop);
    });
  }
  document.querySelectorAll('[data-log-stream]').forEach(viewer);
})();
