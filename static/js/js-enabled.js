// Loaded first in <body>, before anything is drawn: GOV.UK Frontend styles its components for
// JavaScript only once these classes are on the body.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
