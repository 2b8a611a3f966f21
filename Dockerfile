# The controller image, built from source: no JDK or Maven needed on the host.
#   docker build -t REGISTRY/nodeipam:0.1.0 . && docker push REGISTRY/nodeipam:0.1.0
# Without a Docker daemon: mvn -B -Pjib -DskipTests package jib:build -Djib.to.image=REGISTRY/nodeipam:0.1.0

# Stage 1: the product jar (made by `mvn package`; the tools jar beside it is not shipped).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so that a change to the sources reuses this layer.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY examples examples
RUN mvn -B -q -DskipTests package \
    && cp target/nodeipam.jar /nodeipam.jar

# Stage 2: the JRE and the jar, run as a non-root user.
FROM eclipse-temurin:17-jre
COPY --from=build /nodeipam.jar /app/nodeipam.jar
# The archive must be made by the JVM that uses it, with the jar at the path it runs from.
RUN java -XX:ArchiveClassesAtExit=/app/nodeipam.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
      -jar /app/nodeipam.jar --help >/dev/null
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/nodeipam.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-jar", "/app/nodeipam.jar"]
CMD ["controller"]
