// cdv's search worker, in front of Material's own (loaded here, named by ?material=; overrides/main.html,
// block "config", makes the page start this one). It stands beside Material's worker, whose "../lunr"
// paths must resolve. It does two things Material's worker does not:
//
// - The index is loaded when a reader searches, not with every page. Material's page script asks for
//   search/search_index.json as the page opens and offers no setting to wait; cdv (cdv.search) writes
//   there only the index's settings, and the documents in search/search_docs.json, which this worker
//   loads at the first word typed, then hands to Material's worker as Material would have.
// - A typo is forgiven: when a word of the query is found nowhere, Material's worker is asked again with
//   that word made fuzzy (lunr's "mot~1", "mot~2"). A query whose words are found is answered as Material
//   answers it; "planoize" finds Planoise.
(function () {
  "use strict";
  // Material's message types (integrations/search/worker/message): SETUP, READY, QUERY, RESULT.
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var material = new URLSearchParams(self.location.search).get("material");
  if (!material || !/^search\.[\w.]+\.js$/.test(material)) throw new Error("cdv-search : worker de Material inconnu");
  // This file is at assets/javascripts/workers/ of the site (of the version, with mike).
  var documents = new URL("../../../search/search_docs.json", self.location.href).href;

  // Material's worker listens to "message" and answers with postMessage: both are taken in hand, so that
  // one message of the page may become several questions to Material and still get one answer.
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

  var setup = null;   // the page's SETUP message: the index's settings, no documents (cdv.search)
  var loaded = null;  // a promise: Material's worker set up with the documents
  var separator = /[\s\-]+/;
  var chain = Promise.resolve();
  listen.call(self, "message", function (event) {
    var message = event.data;
    chain = chain
      .then(function () { return reply(message); })
      .then(function (answer) { post.call(self, answer); }, function (error) {
        // Said in the console, and no result rather than a search that never answers.
        console.warn(error);
        if (message && message.type === QUERY) post.call(self, { type: RESULT, data: { items: [] } });
      });
  });

  function reply(message) {
    if (!message) return ask(message);
    if (message.type === SETUP) {
      setup = message.data;
      if (setup.config && setup.config.separator) separator = new RegExp(setup.config.separator);
      // An index written whole (another build, or cdv's step skipped) is set up at once, as by Material.
      if (setup.docs && setup.docs.length) loaded = ask(message);
      return { type: READY };
    }
    if (message.type !== QUERY) return ask(message);
    if (!String(message.data).trim()) return { type: RESULT, data: { items: [] } };  // as Material does
    return load().then(function () { return answer(message.data); });
  }

  function load() {
    if (!loaded) {
      loaded = fetch(documents)
        .then(function (response) {
          if (!response.ok) throw new Error("cdv-search : " + documents + " : " + response.status);
          return response.json();
        })
        .then(function (index) {
          return ask({ type: SETUP, data: { config: index.config, docs: index.docs, options: setup.options } });
        })
        .catch(function (error) { loaded = null; throw error; });
    }
    return loaded;
  }

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
