// The single web page, served as one string: plain DOM, no build step.
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Movie recommendations · Loom</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 980px; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; }
  .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
  input[type=search] { width: 100%; padding: .5rem; font-size: 1rem; box-sizing: border-box; }
  ul { list-style: none; padding: 0; }
  li { padding: .35rem 0; border-bottom: 1px solid #eee; display: flex; justify-content: space-between; gap: .5rem; }
  .genres { color: #777; font-size: .85rem; }
  .because { color: #555; font-size: .85rem; font-style: italic; }
  button { cursor: pointer; }
  #error { color: #b00020; min-height: 1.2em; }
</style>
</head>
<body>
<h1>Pick movies you like, get recommendations</h1>
<p>Recommendations come from a model trained on MovieLens ratings with <code>@loom-ml/recommenders</code>.</p>
<div class="columns">
  <section>
    <label for="search">Search movies</label>
    <input id="search" type="search" placeholder="e.g. toy story" autocomplete="off">
    <ul id="results" aria-label="search results"></ul>
  </section>
  <section>
    <h2>You like</h2>
    <ul id="liked" aria-label="liked movies"></ul>
    <button id="recommend" disabled>Recommend</button>
    <p id="error" role="alert"></p>
    <form id="key-form" hidden><label>API key <input id="api-key" type="password" autocomplete="off"></label> <button>Use it</button></form>
    <h2>Recommended for you</h2>
    <ol id="recommendations" aria-label="recommendations"></ol>
  </section>
</div>
<script>
const liked = new Map();
const $ = (id) => document.getElementById(id);
// With an API key set on the server, the /api routes need it: asked for once, kept in this tab's sessionStorage.
let apiKey = sessionStorage.getItem('loom-api-key') || '';
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  apiKey = $('api-key').value.trim();
  sessionStorage.setItem('loom-api-key', apiKey);
  $('key-form').hidden = true;
  $('error').textContent = '';
});
async function api(path, init) {
  const headers = Object.assign({}, (init && init.headers) || {}, apiKey ? { authorization: 'Bearer ' + apiKey } : {});
  const response = await fetch(path, Object.assign({}, init, { headers }));
  if (response.status === 401) $('key-form').hidden = false;
  return response;
}
function item(movie, buttonLabel, onClick) {
  const li = document.createElement('li');
  const text = document.createElement('span');
  text.textContent = movie.title + ' ';
  const genres = document.createElement('span');
  genres.className = 'genres';
  genres.textContent = movie.genres.join(', ');
  text.appendChild(genres);
  if (movie.because && movie.because.length > 0) {
    const because = document.createElement('div');
    because.className = 'because';
    because.textContent = 'because you liked ' + movie.because.map((b) => b.title).join(', ');
    text.appendChild(because);
  }
  li.appendChild(text);
  if (buttonLabel) {
    const button = document.createElement('button');
    button.textContent = buttonLabel;
    button.dataset.movieId = String(movie.id);
    button.addEventListener('click', onClick);
    li.appendChild(button);
  }
  return li;
}
function renderLiked() {
  const list = $('liked');
  list.replaceChildren(...[...liked.values()].map((movie) => item(movie, 'remove', () => { liked.delete(movie.id); renderLiked(); })));
  $('recommend').disabled = liked.size === 0;
}
let searchTimer;
$('search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const q = $('search').value.trim();
    if (q === '') { $('results').replaceChildren(); return; }
    const response = await api('/api/movies?q=' + encodeURIComponent(q) + '&limit=10');
    const body = await response.json();
    if (!response.ok) { $('error').textContent = body.error; return; }
    $('results').replaceChildren(...body.movies.map((movie) => item(movie, 'like', () => { liked.set(movie.id, movie); renderLiked(); })));
  }, 150);
});
$('recommend').addEventListener('click', async () => {
  $('error').textContent = '';
  const response = await api('/api/recommend', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ likes: [...liked.keys()], k: 10 }),
  });
  const body = await response.json();
  if (!response.ok) { $('error').textContent = body.error; return; }
  $('recommendations').replaceChildren(...body.recommendations.map((movie) => item(movie)));
});
</script>
</body>
</html>
`;
