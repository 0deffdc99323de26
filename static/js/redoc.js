// Start ReDoc (templates: api/redoc.html). The nonce this script was given goes to ReDoc,
// which puts it on the style elements it adds, so they pass the Content-Security-Policy.
(function () {
  "use strict";
  var me = document.currentScript;
  Redoc.init(me.dataset.schemaUrl, { nonce: me.nonce }, document.getElementById("redoc-container"));
})();
