import { displayTitle, type Movie } from './movielens.js';
import { invalidValue } from './errors.js';

/** A movie as the CLI and the JSON API show it. */
export interface MovieView {
  id: number;
  title: string;
  genres: string[];
}

/**
 * Movies by id and by title, with a search that ranks matches by popularity.
 *
 * @example
 * const catalog = new MovieCatalog(movies, popularity);
 * catalog.findByTitle('Toy Story (1995)').id; // 1
 * catalog.search('toy', 5);
 */
export class MovieCatalog {
  private readonly byId = new Map<number, Movie>();
  private readonly byTitle = new Map<string, Movie>();

  constructor(
    readonly movies: readonly Movie[],
    /** Ratings per movie id, used to rank search results. */
    private readonly popularity: ReadonlyMap<number, number> = new Map(),
  ) {
    for (const movie of movies) {
      this.byId.set(movie.id, movie);
      this.byTitle.set(displayTitle(movie).toLowerCase(), movie);
    }
  }

  get(id: number): Movie | undefined {
    return this.byId.get(id);
  }

  view(id: number): MovieView {
    const movie = this.byId.get(id);
    return movie === undefined ? { id, title: `movie ${id}`, genres: [] } : { id, title: displayTitle(movie), genres: movie.genres };
  }

  /** The movie with this exact title ("Toy Story (1995)", case-insensitive); throws with suggestions. */
  findByTitle(title: string, where = 'recommend'): Movie {
    const movie = this.byTitle.get(title.trim().toLowerCase());
    if (movie !== undefined) return movie;
    const suggestions = this.search(title.replace(/\s*\(\d{4}\)\s*$/, ''), 3).map((m) => `"${m.title}"`);
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.join(', ')}?)` : '';
    throw invalidValue('like', where, `a movie title with its year, as "Toy Story (1995)"${hint}`, title);
  }

  /** Movies whose title contains every word of `query` (case-insensitive), most rated first. */
  search(query: string, limit: number): MovieView[] {
    const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
    if (words.length === 0) return [];
    const matches: Movie[] = [];
    for (const movie of this.movies) {
      const title = displayTitle(movie).toLowerCase();
      if (words.every((word) => title.includes(word))) matches.push(movie);
    }
    matches.sort((a, b) => (this.popularity.get(b.id) ?? 0) - (this.popularity.get(a.id) ?? 0) || a.id - b.id);
    return matches.slice(0, limit).map((movie) => this.view(movie.id));
  }
}
