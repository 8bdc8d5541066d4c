// `pnpm recommend --user 42` or `pnpm recommend --like "Toy Story (1995)" --like ...`:
// prints the top movies (title and genres) from the model saved by `pnpm start`.
import { AppError } from './errors.js';
import { parseRecommendArgs } from './cli-args.js';
import { loadBundle } from './model-bundle.js';
import { formatRecommendations, recommendForLikes, recommendForUser } from './recommend.js';

try {
  const request = parseRecommendArgs(process.argv.slice(2));
  const bundle = await loadBundle(request.model);
  if (request.mode === 'user') {
    console.log(`Top ${request.k} for user ${request.user}:`);
    console.log(formatRecommendations(recommendForUser(bundle, request.user, request.k)));
  } else {
    const liked = request.likes.map((title) => bundle.catalog.findByTitle(title));
    console.log(`Because you like ${liked.map((movie) => bundle.catalog.view(movie.id).title).join(', ')}:`);
    console.log(formatRecommendations(recommendForLikes(bundle, liked.map((movie) => movie.id), request.k)));
  }
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
