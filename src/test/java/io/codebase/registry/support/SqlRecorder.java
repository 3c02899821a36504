package io.codebase.registry.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Records the prepared statements the application sends, with the values it binds, while {@link #record} runs:
 * so that a test can EXPLAIN exactly what the code asks PostgreSQL, not a hand-written copy of it. Import it into
 * a test context; it wraps the {@link DataSource} bean in JDK proxies (no dependency beyond the JDK).
 */
public final class SqlRecorder implements BeanPostProcessor {

	/** A statement as it was sent: its SQL and the setter calls that bound its parameters, in order. */
	public record Statement(String sql, List<Binding> bindings) {

		/** Prepares {@code prefix + sql} (e.g. {@code "EXPLAIN "}) on a connection, with the same parameters bound. */
		public PreparedStatement prepare(Connection connection, String prefix) throws SQLException {
			PreparedStatement statement = connection.prepareStatement(prefix + this.sql);
			for (Binding binding : this.bindings) {
				try {
					binding.setter().invoke(statement, binding.arguments());
				}
				catch (IllegalAccessException | InvocationTargetException ex) {
					throw new SQLException("Could not bind " + binding, ex);
				}
			}
			return statement;
		}

	}

	/** One {@code PreparedStatement.setXxx(index, value...)} call. */
	public record Binding(Method setter, Object[] arguments) {
	}

	private final List<Statement> recorded = new CopyOnWriteArrayList<>();

	private volatile boolean recording;

	/** Runs the action and returns the statements it executed. */
	public List<Statement> record(Runnable action) {
		this.recorded.clear();
		this.recording = true;
		try {
			action.run();
		}
		finally {
			this.recording = false;
		}
		return List.copyOf(this.recorded);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		return (bean instanceof DataSource) ? proxy(bean, ClassUtils.getAllInterfaces(bean), this::dataSource) : bean;
	}

	private Object dataSource(Object target, Method method, Object[] arguments) throws Throwable {
		Object result = invoke(target, method, arguments);
		return (result instanceof Connection) ? proxy(result, new Class<?>[] { Connection.class }, this::connection) : result;
	}

	private Object connection(Object target, Method method, Object[] arguments) throws Throwable {
		Object result = invoke(target, method, arguments);
		if (result instanceof PreparedStatement && method.getName().equals("prepareStatement")) {
			String sql = (String) arguments[0];
			List<Binding> bindings = new ArrayList<>();
			return proxy(result, new Class<?>[] { PreparedStatement.class },
					(statement, called, args) -> statement(statement, called, args, sql, bindings));
		}
		return result;
	}

	private Object statement(Object target, Method method, Object[] arguments, String sql, List<Binding> bindings)
			throws Throwable {
		if (method.getDeclaringClass() == PreparedStatement.class && method.getName().startsWith("set")) {
			bindings.add(new Binding(method, arguments.clone()));
		}
		else if (method.getName().equals("clearParameters")) {
			bindings.clear();
		}
		else if (this.recording && method.getName().startsWith("execute") && (arguments == null || arguments.length == 0)) {
			this.recorded.add(new Statement(sql, List.copyOf(bindings)));
		}
		return invoke(target, method, arguments);
	}

	private interface Handler {

		Object handle(Object target, Method method, Object[] arguments) throws Throwable;

	}

	private static Object proxy(Object target, Class<?>[] interfaces, Handler handler) {
		InvocationHandler invocation = (proxy, method, arguments) -> handler.handle(target, method, arguments);
		return Proxy.newProxyInstance(SqlRecorder.class.getClassLoader(), interfaces, invocation);
	}

	private static Object invoke(Object target, Method method, Object[] arguments) throws Throwable {
		try {
			return method.invoke(target, arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

}
