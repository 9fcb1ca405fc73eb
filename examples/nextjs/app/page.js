export default function Home() {
  return (
    <main>
      <p>
        <a href="/api/sign?message=hello">/api/sign?message=hello</a> signs and verifies with cojson-native.
      </p>
    </main>
  )
}
