package io.platyspark.server.api;

import io.platyspark.core.security.Caller;
import io.platyspark.core.web.ProblemErrorController;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.PropertyCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/**
 * The OpenAPI document is the API's contract (and what the fuzzer in bin/test holds the server to), so it says what
 * the server really does: bearer authentication, each operation's real success codes, its problem+json errors,
 * and which fields may be null. The resolved {@link Caller} argument is not a parameter.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";

    static {
        SpringDocUtils.getConfig()
                .addRequestWrapperToIgnore(Caller.class)
                .addHiddenRestControllers(ProblemErrorController.class);
    }

    /** Success codes other than a plain 200, by "METHOD path". */
    private static final Map<String, List<Integer>> SUCCESS = Map.of(
            "POST /api/v1/apps", List.of(202, 200),
            "POST /api/v1/clusters", List.of(202, 200),
            "DELETE /api/v1/clusters/{name}", List.of(202),
            "POST /api/v1/artifacts", List.of(201),
            "POST /api/v1/envs", List.of(202),
            "POST /api/v1/admin/tokens", List.of(201),
            "DELETE /api/v1/admin/tokens/{id}", List.of(204));

    /** Refusals particular to an operation, on top of those every operation can answer. */
    private static final Map<String, List<Integer>> ERRORS = Map.ofEntries(
            Map.entry("POST /api/v1/apps", List.of(403, 422)),
            Map.entry("GET /api/v1/apps", List.of(403)),
            Map.entry("GET /api/v1/apps/{id}", List.of(404)),
            Map.entry("DELETE /api/v1/apps/{id}", List.of(404, 409)),
            Map.entry("GET /api/v1/apps/{id}/logs", List.of(404, 410)),
            Map.entry("GET /api/v1/apps/{id}/events", List.of(404)),
            Map.entry("POST /api/v1/clusters", List.of(403, 409)),
            Map.entry("GET /api/v1/clusters/{name}", List.of(404)),
            Map.entry("DELETE /api/v1/clusters/{name}", List.of(403, 404, 409)),
            Map.entry("GET /api/v1/envs/{id}", List.of(404)),
            Map.entry("POST /api/v1/admin/tokens", List.of(403, 409)),
            Map.entry("GET /api/v1/admin/tokens", List.of(403)),
            Map.entry("DELETE /api/v1/admin/tokens/{id}", List.of(403, 404, 409)),
            Map.entry("GET /api/v1/admin/audit", List.of(403)));

    @Bean
    OpenAPI platyOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("PlatySpark API")
                        .version("v1")
                        .description("Spark-as-a-Service control plane: submit Spark apps, get or create clusters, "
                                + "upload sources, build Python environments, follow apps to the end. Every call "
                                + "needs 'Authorization: Bearer <token>' (a platform API token, or a JWT in oidc "
                                + "mode). Every error is RFC 9457 problem+json with a stable 'type', a 'detail' "
                                + "saying what to fix, the offending 'field' for bad input, and the 'requestId'."))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("A platform API token (platy_...) or, in oidc "
                                                + "mode, a JWT from the identity provider"))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** Real status codes and problem+json errors for every operation. */
    @Bean
    OpenApiCustomizer statusCodesAndProblems() {
        return openApi -> {
            if (openApi.getComponents() != null) {
                openApi.getComponents().addSchemas(PROBLEM, problemSchema());
                // Nullable is about a property; the elements of a list or map are never null (the server
                // refuses null elements), so take back what the property customizer gave them.
                openApi.getComponents().getSchemas().values().forEach(schema -> {
                    if (schema.getProperties() != null) {
                        schema.getProperties().values().forEach(p -> elementsNotNull((Schema<?>) p));
                    }
                });
            }
            openApi.getPaths()
                    .forEach((path, item) -> item.readOperationsMap()
                            .forEach((method, operation) -> describe(method + " " + path, operation)));
        };
    }

    private static void describe(String key, Operation operation) {
        if (operation.getParameters() != null) {
            operation.getParameters().removeIf(p -> "caller".equals(p.getName()));
        }
        ApiResponses given = operation.getResponses();
        ApiResponse ok = given == null ? null : given.get("200");
        Content content = ok == null ? null : json(ok.getContent());
        ApiResponses responses = new ApiResponses();
        for (int code : SUCCESS.getOrDefault(key, List.of(200))) {
            ApiResponse success =
                    new ApiResponse().description(HttpStatus.valueOf(code).getReasonPhrase());
            if (code != 204 && content != null) {
                success.setContent(content);
            }
            responses.addApiResponse(String.valueOf(code), success);
        }
        Set<Integer> errors = new TreeSet<>(List.of(400, 401, 503));
        errors.addAll(ERRORS.getOrDefault(key, List.of()));
        if (operation.getRequestBody() != null || key.startsWith("POST")) {
            errors.addAll(List.of(413, 415));
        }
        for (int code : errors) {
            responses.addApiResponse(
                    String.valueOf(code), problem(HttpStatus.valueOf(code).getReasonPhrase()));
        }
        responses.addApiResponse("default", problem("Any other refusal or failure, as problem+json"));
        operation.setResponses(responses);
    }

    private static void elementsNotNull(Schema<?> property) {
        if (property.getItems() != null && property.getItems().getTypes() != null) {
            property.getItems().getTypes().remove("null");
        }
        if (property.getAdditionalProperties() instanceof Schema<?> values && values.getTypes() != null) {
            values.getTypes().remove("null");
        }
    }

    /** springdoc's "*&#47;*" becomes what the server writes: JSON (other declared types stay). */
    private static Content json(Content content) {
        if (content == null) {
            return null;
        }
        Content result = new Content();
        content.forEach((type, media) -> result.addMediaType("*/*".equals(type) ? "application/json" : type, media));
        return result;
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content()
                        .addMediaType(
                                "application/problem+json",
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put(
                "type",
                new Schema<>()
                        .types(Set.of("string"))
                        .format("uri-reference")
                        .description("stable identifier, urn:platyspark:problem:<kind>"));
        properties.put("title", new Schema<>().types(Set.of("string")));
        properties.put("status", new Schema<>().types(Set.of("integer")));
        properties.put("detail", new Schema<>().types(nullable("string")).description("what to fix"));
        properties.put("instance", new Schema<>().types(nullable("string")));
        properties.put("requestId", new Schema<>().types(Set.of("string")));
        properties.put(
                "field", new Schema<>().types(nullable("string")).description("the offending field, for bad input"));
        Schema schema = new Schema<>()
                .types(Set.of("object"))
                .properties(properties)
                .required(new ArrayList<>(List.of("type", "title", "status")));
        return schema;
    }

    /**
     * A property may be null unless it is a Java primitive or validated as required: records serialise absent
     * values as null, and a contract that claims otherwise fails every client that trusts it.
     */
    @Bean
    PropertyCustomizer nullableProperties() {
        return (property, type) -> {
            if (property == null || isPrimitive(type.getType()) || required(type.getCtxAnnotations())) {
                return property;
            }
            if (property.get$ref() != null) {
                Schema<?> ref = new Schema<>().$ref(property.get$ref());
                property.set$ref(null);
                property.setAnyOf(
                        new ArrayList<>(List.of(ref, new Schema<>().types(new LinkedHashSet<>(List.of("null"))))));
            } else if (property.getTypes() != null && !property.getTypes().contains("null")) {
                property.addType("null");
            } else if (property.getTypes() == null && property.getType() != null) {
                property.setTypes(new TreeSet<>(Set.of(property.getType(), "null")));
            }
            return property;
        };
    }

    private static boolean isPrimitive(Type type) {
        if (type instanceof Class<?> c) {
            return c.isPrimitive();
        }
        return type instanceof tools.jackson.databind.JavaType j
                ? j.isPrimitive()
                : type instanceof com.fasterxml.jackson.databind.JavaType old && old.isPrimitive();
    }

    private static boolean required(Annotation[] annotations) {
        if (annotations == null) {
            return false;
        }
        for (Annotation a : annotations) {
            String name = a.annotationType().getSimpleName();
            if (name.equals("NotNull") || name.equals("NotBlank") || name.equals("NotEmpty")) {
                return true;
            }
        }
        return false;
    }

    /** A type and null, in that order every run: Set.of's order changes from one JVM to the next. */
    private static Set<String> nullable(String type) {
        return new LinkedHashSet<>(List.of(type, "null"));
    }
}
