package io.platyspark.core.schedule;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Hands out connections that carry the fencing token of the {@link LeaderLock leader's task} running on the
 * calling thread (the session setting {@code platy.fence}), so the store can refuse a write from a holder that
 * has lost its role. A connection taken outside a leader's task is handed out untouched: nothing is added to the
 * API's or the submission worker's path.
 */
public class FencingDataSource extends DelegatingDataSource {

    public FencingDataSource(DataSource target) {
        super(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return fence(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return fence(super.getConnection(username, password));
    }

    private static Connection fence(Connection connection) throws SQLException {
        String fence = LeaderLock.currentFence();
        if (fence == null) {
            return connection;
        }
        try {
            setFence(connection, fence);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        // The pool hands the connection to others next: the fence is cleared before it goes back.
        return (Connection) Proxy.newProxyInstance(
                FencingDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        try {
                            if (!connection.isClosed()) {
                                setFence(connection, "");
                            }
                        } catch (SQLException e) {
                            // A connection that cannot be reset is not given to anyone else.
                            connection.abort(Runnable::run);
                            return null;
                        }
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void setFence(Connection connection, String fence) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (!autoCommit) {
            connection.rollback(); // nothing of a caller's is pending here: taken from the pool, or being closed
        }
        try (PreparedStatement ps = connection.prepareStatement("select set_config('platy.fence', ?, false)")) {
            ps.setString(1, fence);
            ps.execute();
        }
        if (!autoCommit) {
            // Not part of whatever the caller does next in its transaction.
            connection.commit();
        }
    }
}
