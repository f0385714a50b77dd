// The demo page's use of window.Parley, loaded before the embed tag as a shop's own script
// would be. First the stub from README.md, so calls made before the loader arrives wait in
// Parley.q; then the calls: context for the agent, listeners that list the chat's events on
// the page, and opening the chat.
window.Parley=window.Parley||{q:[]};"open close toggle identify setLocale setContext on".split(" ").forEach(function(m){Parley[m]=Parley[m]||function(){Parley.q.push([m,[].slice.call(arguments)])}});

(function () {
  'use strict';

  function log(text) {
    var item = document.createElement('li');
    item.textContent = text;
    document.getElementById('events').appendChild(item);
  }

  Parley.setContext({ cart_value: 129.5, coupon: 'SPRING' });
  Parley.on('open', function () {
    log('open');
  });
  Parley.on('close', function () {
    log('close');
  });
  Parley.on('message', function (message) {
    log('message: ' + message.text);
  });
  Parley.on('unread', function (count) {
    log('unread: ' + count);
  });
  Parley.open();
})();
