package io.codebase.registry.problem;

import java.util.List;
import java.util.function.Function;

/**
 * A page of a list read by position: the rows to answer and the cursor of the next page, null on the last. Lists
 * read one row more than they show; that row's presence is what says a next page exists, without counting.
 *
 * @param <T> the rows' type
 */
public record KeysetPage<T>(List<T> content, String next) {

	/**
	 * The page of {@code rows} read with a limit of {@code size + 1}: the first {@code size}, and when more came back
	 * the cursor of the last one shown, made of the key parts {@code position} gives (see {@link PageCursor#encode}).
	 */
	public static <T> KeysetPage<T> of(List<T> rows, int size, Function<T, String[]> position) {
		if (rows.size() <= size) {
			return new KeysetPage<>(List.copyOf(rows), null);
		}
		return new KeysetPage<>(List.copyOf(rows.subList(0, size)), PageCursor.encode(position.apply(rows.get(size - 1))));
	}

}
