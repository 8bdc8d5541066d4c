// `pnpm recommend --user 42` or `pnpm recommend --like "Toy Story (1995)" --like ...`:
// prints the top movies (title and genres) from the model saved by `pnpm start`.
import { recommendCommand, recommendRequest } from './cli-args.js';
import { runCommand } from './command-line.js';

await runCommand(recommendCommand, async (parsed) => {
  const request = recommendRequest(parsed);
  // Loaded once the flags are read, so that --help and a bad flag answer at once.
  const { loadBundle } = await import('./model-bundle.js');
  const { formatRecommendations, recommendForLikes, recommendForUser } = await import('./recommend.js');

  const bundle = await loadBundle(request.model);
  if (request.mode === 'user') {
    const recommendations = recommendForUser(bundle, request.user, request.k);
    console.log(`Top ${request.k} for user ${request.user}:`);
    console.log(formatRecommendations(recommendations));
  } else {
    const liked = request.likes.map((title) => bundle.catalog.findByTitle(title));
    const recommendations = recommendForLikes(bundle, liked.map((movie) => movie.id), request.k);
    console.log(`Because you like ${liked.map((movie) => bundle.catalog.view(movie.id).title).join(', ')}:`);
    console.log(formatRecommendations(recommendations));
  }
});
