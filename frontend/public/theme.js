// Applies the saved colour theme before first paint (loaded synchronously in <head>, CSP-safe).
(function () {
  try {
    var saved = localStorage.getItem('codehub.theme');
    if (saved === 'light' || saved === 'dark') document.documentElement.dataset.theme = saved;
  } catch (e) {
    /* storage blocked: follow the system theme */
  }
})();
