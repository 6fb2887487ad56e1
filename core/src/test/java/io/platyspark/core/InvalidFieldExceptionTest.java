package io.platyspark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.core.InvalidFieldException.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidFieldExceptionTest {

    @Test
    void errorsUnderAPrefixNameTheFirstAndListEveryOne() {
        InvalidFieldException e = InvalidFieldException.under(
                "config",
                List.of(
                        new FieldError("tags.team", "is required"),
                        new FieldError("instanceFleets.core", "needs a graviton type")));

        assertThat(e.field()).isEqualTo("config.tags.team");
        assertThat(e.getMessage()).isEqualTo("is required (also: instanceFleets.core: needs a graviton type)");
        assertThat(e.errors())
                .containsExactly(
                        new FieldError("config.tags.team", "is required"),
                        new FieldError("config.instanceFleets.core", "needs a graviton type"));
    }

    @Test
    void oneErrorHasNoAlsoPart() {
        InvalidFieldException e =
                InvalidFieldException.under("clusterConfig", List.of(new FieldError("name", "is required")));

        assertThat(e.field()).isEqualTo("clusterConfig.name");
        assertThat(e.getMessage()).isEqualTo("is required");
    }

    @Test
    void noErrorsIsAProgrammingError() {
        assertThatThrownBy(() -> InvalidFieldException.under("config", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
