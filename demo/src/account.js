// The demo account page's script, loaded before the embed tag as a shop's own script would
// be: the stub from README.md, then who the signed-in customer is, for the chat to prefill
// (unverified: a shop proves it with a signed `token`, see docs/PROTOCOL.md).
window.Parley=window.Parley||{q:[]};"open close toggle identify setLocale setContext on".split(" ").forEach(function(m){Parley[m]=Parley[m]||function(){Parley.q.push([m,[].slice.call(arguments)])}});

Parley.identify({ id: 'c-1042', name: 'Kim Tester', email: 'kim@example.com' });
