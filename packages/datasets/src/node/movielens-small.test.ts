import { describe, expect, it } from 'vitest';
import { loadMovieLensSmall } from '../node.js';

describe('loadMovieLensSmall', () => {
  it('has the counts stated for MovieLens latest-small (100,004 ratings, 671 users, 9,066 movies)', async () => {
    const { ratings, movies } = await loadMovieLensSmall();
    expect(ratings.count).toBe(100_004);
    expect(new Set(ratings.userId).size).toBe(671);
    expect(new Set(ratings.movieId).size).toBe(9_066);
    expect(movies.length).toBe(9_066);
    // First row of the file: user 1 rated movie 31 with 2.5 stars at 1260759144.
    expect([ratings.userId[0], ratings.movieId[0], ratings.rating[0], ratings.timestamp[0]]).toEqual([1, 31, 2.5, 1260759144]);
    expect(movies[0]).toEqual({ movieId: 1, title: 'Toy Story', year: 1995, genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'] });
    for (const rating of ratings.rating) expect(rating >= 0.5 && rating <= 5 && rating * 2 === Math.round(rating * 2)).toBe(true);
  });
});
