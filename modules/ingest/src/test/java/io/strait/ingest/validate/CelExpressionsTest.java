package io.strait.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * cel-java's parser on Strait's classpath: its pom asks for protobuf 4, the project runs protobuf-java 3.25, and
 * parsing (errors included) must still work there; syntax only, as cel-go's {@code Parse}.
 */
class CelExpressionsTest {

    @Test
    void parsesOnProtobuf3AndFindsSyntaxErrorsOnly() {
        // protobuf-java 4 has RuntimeVersion, 3.25 has not: the parser below runs on the 3.25 the BOM keeps
        assertThatThrownBy(() -> Class.forName("com.google.protobuf.RuntimeVersion")).isInstanceOf(ClassNotFoundException.class);
        assertThat(CelExpressions.parseError("response.code >= 400 && unknown_fn(x.y)")).isNull();
        assertThat(CelExpressions.parseError("request.headers['x-debug'] == 'on' ? true : size(filter_state) > 1")).isNull();
        assertThat(CelExpressions.parseError("response.code >= ")).contains("<input>:1:18");
        assertThat(CelExpressions.parseError("")).isNotNull();
        assertThat(CelExpressions.parseError("'unterminated")).isNotNull();
    }
}
