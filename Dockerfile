# The controller image. Build the jar first (mvn -B -DskipTests package), then:
#   docker build -t REGISTRY/nodeipam:0.1.0 . && docker push REGISTRY/nodeipam:0.1.0
# Or without Docker: mvn -B -Pjib -DskipTests package jib:build -Djib.to.image=REGISTRY/nodeipam:0.1.0
FROM eclipse-temurin:17-jre
COPY target/nodeipam.jar /app/nodeipam.jar
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/nodeipam.jar"]
CMD ["controller"]
