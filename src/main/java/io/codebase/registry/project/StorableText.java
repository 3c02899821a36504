package io.codebase.registry.project;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Text that PostgreSQL stores exactly as sent: no NUL character (PostgreSQL's text types refuse it) and no lone
 * UTF-16 surrogate (it has no UTF-8 form and would be stored as '?'). Refused rather than rewritten.
 */
@Documented
@Constraint(validatedBy = StorableText.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface StorableText {

	String message() default "";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** The rule itself, for text that does not pass through bean validation. */
	final class Rule {

		private Rule() {
		}

		/** What keeps the text from being stored exactly, if anything. */
		static Optional<String> problemOf(String text) {
			if (text == null) {
				return Optional.empty();
			}
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				if (c == '\u0000') {
					return Optional.of("must not contain the NUL character (\\u0000)");
				}
				if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
				}
				else if (Character.isSurrogate(c)) {
					return Optional.of("must not contain a lone UTF-16 surrogate (\\u" + Integer.toHexString(c) + ")");
				}
			}
			return Optional.empty();
		}

	}

	class Validator implements ConstraintValidator<StorableText, String> {

		@Override
		public boolean isValid(String value, ConstraintValidatorContext context) {
			Optional<String> problem = Rule.problemOf(value);
			if (problem.isEmpty()) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate(problem.get().replace("\\", "\\\\").replace("{", "\\{"))
				.addConstraintViolation();
			return false;
		}

	}

}
