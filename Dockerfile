# syntax=docker/dockerfile:1
# pdu4j serve in a container (docs/install.md):
#   docker build -t pdu4j .
#   docker run -d --name pdu4j -p 9464:9464 -p 8080:8080 \
#     -v /srv/pdu4j/devices.yaml:/etc/pdu4j/devices.yaml:ro pdu4j
# The mounted devices.yaml must bind metrics (and api) to 0.0.0.0 to be reachable from outside.

# 1: build the tarball with the Maven wrapper (tests run in CI, not here)
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -pl cli -am package -DskipTests \
 && mkdir /dist \
 && tar -xzf cli/target/pdu4j-*.tar.gz -C /dist \
 && mv /dist/pdu4j-* /dist/pdu4j

# 2: a Java runtime of only the modules pdu4j.jar uses (jdeps --print-module-deps, plus TLS's EC
# crypto); PackagingIT runs this jlink on the build's JDK and starts serve on the result
FROM eclipse-temurin:17-jdk AS jre
ARG JLINK_MODULES=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.unsupported
RUN jlink --add-modules "${JLINK_MODULES}" --strip-debug --no-header-files --no-man-pages \
      --compress=2 --output /opt/java

# 3: the image: slim Debian, the runtime, the tarball's files, a user without privileges
FROM debian:bookworm-slim
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:/opt/pdu4j/bin:$PATH \
    PDU4J_JAVA_OPTS="-XX:MaxRAMPercentage=75"
COPY --from=jre /opt/java /opt/java
COPY --from=build /dist/pdu4j /opt/pdu4j
# uid and gid 10001, also in dialout (gid 20 on Debian) for serial devices passed with
# --device /dev/ttyUSB0; USER by number (runAsNonRoot can check it), which still gets dialout
RUN groupadd --system --gid 10001 pdu4j \
 && useradd --system --uid 10001 --gid 10001 --groups dialout --no-create-home \
      --home-dir /var/lib/pdu4j --shell /usr/sbin/nologin pdu4j \
 && mkdir -p /etc/pdu4j /var/lib/pdu4j \
 && cp /opt/pdu4j/examples/devices.yaml /etc/pdu4j/devices.yaml \
 && chown pdu4j /var/lib/pdu4j
USER 10001
WORKDIR /var/lib/pdu4j
# 9464: /metrics and /health (metrics.prometheus.port); 8080: the control API (api.port)
EXPOSE 9464 8080
# /health answers 200 while serve runs (DEGRADED devices included); bash's /dev/tcp needs no curl
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PDU4J_HEALTH_PORT:-9464} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/opt/pdu4j/bin/pdu4j", "serve"]
CMD ["--config", "/etc/pdu4j/devices.yaml"]
