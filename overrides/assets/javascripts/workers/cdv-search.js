// Search that forgives a typo: Material's own search worker, loaded by this one (overrides/main.html,
// block "config", names it in ?material=), asked a second time when a word of the query is found nowhere,
// with that word made fuzzy (lunr's "mot~1", "mot~2"). A correct query is answered as Material answers it;
// "planoize" finds Planoise. This file stands beside Material's worker, whose "../lunr" paths must resolve.
(function () {
  "use strict";
  // Material's message types (integrations/search/worker/message): SETUP, READY, QUERY, RESULT.
  var SETUP = 0, QUERY = 2;
  var material = new URLSearchParams(self.location.search).get("material");
  if (!material || !/^search\.[\w.]+\.js$/.test(material)) throw new Error("cdv-search: worker de Material inconnu");

  // Material's worker listens to "message" and answers with postMessage: both are taken in hand, so that
  // one message of the page may become two questions to Material and still get one answer.
  var listeners = [];
  var listen = self.addEventListener;
  self.addEventListener = function (type, fn, options) {
    if (type === "message") listeners.push(fn);
    else listen.call(self, type, fn, options);
  };
  var post = self.postMessage;
  var waiting = [];
  self.postMessage = function (message) {
    var resolve = waiting.shift();
    if (resolve) resolve(message);
    else post.call(self, message);
  };
  importScripts(material);
  self.addEventListener = listen;

  function ask(data) {
    return new Promise(function (resolve) {
      waiting.push(resolve);
      listeners.forEach(function (fn) { fn({ data: data }); });
    });
  }

  var separator = /[\s\-]+/;
  var chain = Promise.resolve();
  listen.call(self, "message", function (event) {
    var message = event.data;
    if (message && message.type === SETUP && message.data && message.data.config.separator)
      separator = new RegExp(message.data.config.separator);
    chain = chain
      .then(function () { return message && message.type === QUERY ? answer(message.data) : ask(message); })
      .then(function (reply) { post.call(self, reply); }, function (error) { console.warn(error); });
  });

  function answer(query) {
    return ask({ type: QUERY, data: query }).then(function (exact) {
      var unknown = unmatched(query, exact.data.items);
      var forgiving = unknown.length ? fuzzy(query, unknown) : null;
      if (!forgiving) return exact;
      return ask({ type: QUERY, data: forgiving }).then(function (near) {
        if (!near.data.items.length) return exact;
        // The typed word is not on these pages, its neighbours are: not listed as "missing".
        near.data.items.forEach(function (group) {
          group.forEach(function (item) { unknown.forEach(function (word) { delete item.terms[word]; }); });
        });
        return near;
      });
    });
  }

  // The words of a plain query (no lunr syntax), lowercased as Material's clauses are.
  function words(query) {
    if (/["*~^:+]|(^|\s)-/.test(query)) return [];
    return query.toLowerCase().split(separator).filter(Boolean);
  }

  // The words no result matched (every word when there is no result).
  function unmatched(query, groups) {
    return words(query).filter(function (word) {
      return !groups.some(function (group) {
        return group.some(function (item) { return item.terms && item.terms[word] === true; });
      });
    });
  }

  // The query with each unmatched word of four letters or more made fuzzy: one letter off up to seven
  // letters, two beyond. Shorter words would match too many others.
  function fuzzy(query, unknown) {
    var changed = false;
    var terms = words(query).map(function (word) {
      if (unknown.indexOf(word) < 0 || word.length < 4 || /\d/.test(word)) return word;
      changed = true;
      return word + "~" + (word.length >= 8 ? 2 : 1);
    });
    return changed ? terms.join(" ") : null;
  }
})();
